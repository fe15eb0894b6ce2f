// A separate service instance for the exactly-once test: same database file, its own notifiers.
import { createStore, prepareDatabase } from '../../db/client.ts';
import { runDailyDigest } from '../../src/digest/job.ts';
import { deliveryDepsFor } from './delivery-deps.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

const [url, nowIso] = process.argv.slice(2) as [string, string];
const store = createStore(url);
await prepareDatabase(store);
const now = Date.parse(nowIso);
const deps = deliveryDepsFor(store, { clock: () => new Date(now), discord: true });
const b = barrierFromEnv();
const { result, overlapped } = await insideTogether(b.dir, b.me, b.peers, () => runDailyDigest(deps, now));
process.stdout.write(JSON.stringify({ ...result, overlapped }));
store.close();
