// A separate service instance for the "two instances" segment test: same database, its own notifier,
// recomputing every segment (always due) and delivering until nothing is left to send.
import { recomputeDueSegments } from '../../src/audience/segment-recompute.ts';
import { processDueDeliveries } from '../../src/delivery/deliveries.ts';
import { deliveryWorker, pendingDeliveries } from './delivery-deps.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

const { store, deps } = await deliveryWorker();
const b = barrierFromEnv();
let sent = 0;
let committed = 0;
let lost = 0;
// The first diff each side computes waits at a second barrier until the other has computed its own, so
// both hold a diff of the same run when they commit: exactly the race the run check is for.
let held = false;
const beforeCommit = async () => {
  if (held) return;
  held = true;
  await insideTogether(b.dir, `${b.me}.computed`, b.peers.map((p) => `${p}.computed`), async () => {});
};
const { overlapped } = await insideTogether(b.dir, b.me, b.peers, async () => {
  for (let round = 0; round < 100; round++) {
    for (const r of await recomputeDueSegments(store, Date.now(), 0, { beforeCommit })) r.committed ? (r.entered + r.exited > 0 && committed++) : lost++;
    sent += (await processDueDeliveries(deps, 5)).sent;
    const left = await pendingDeliveries(store);
    if (!left && round >= 3) break;
  }
});
process.stdout.write(JSON.stringify({ sent, committed, lost, overlapped }));
store.close();
