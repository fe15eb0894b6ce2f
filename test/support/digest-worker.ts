// A separate service instance for the exactly-once test: same database file, its own notifiers.
import { runDailyDigest } from '../../src/digest/job.ts';
import { deliveryWorker } from './delivery-deps.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

const now = Date.parse(process.argv[3]!);
const { store, deps } = await deliveryWorker({ clock: () => new Date(now), discord: true });
const b = barrierFromEnv();
const { result, overlapped } = await insideTogether(b.dir, b.me, b.peers, () => runDailyDigest(deps, now));
process.stdout.write(JSON.stringify({ ...result, overlapped }));
store.close();
