// A separate service instance for the "two workers" tests: same database, its own notifiers,
// running fan-out and delivery until nothing is left to send.
import { sql } from 'drizzle-orm';
import { fanOutAlerts } from '../../src/compliance/alert-fanout.ts';
import { processDueDeliveries } from '../../src/delivery/deliveries.ts';
import { deliveryWorker, pendingDeliveries } from './delivery-deps.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

// The copies test (test/alert-copies.test.ts) sends Discord edits too; the alerts test sets no Discord API.
const { store, deps } = await deliveryWorker({ discord: Boolean(process.env.DISCORD_API_URL) });
// Both processes pass a barrier into fan-out and delivery, each noting that the other was inside with it.
const b = barrierFromEnv();
let sent = 0;
const { overlapped } = await insideTogether(b.dir, b.me, b.peers, async () => {
  for (let round = 0; round < 200; round++) {
    await fanOutAlerts(store, Date.now());
    sent += (await processDueDeliveries(deps, 5)).sent;
    const left = await pendingDeliveries(store);
    const [{ fresh }] = (await store.db.all<{ fresh: number }>(sql`SELECT count(*) AS fresh FROM alerts WHERE fanned_out_at IS NULL`)) as [{ fresh: number }];
    if (!left && !fresh) break;
  }
});
process.stdout.write(JSON.stringify({ sent, overlapped }));
store.close();
