// A separate service instance for the "two workers" test: same database file, its own notifier,
// running fan-out and delivery until nothing is left to send.
import { sql } from 'drizzle-orm';
import { createStore, prepareDatabase } from '../../db/client.ts';
import { fanOutAlerts } from '../../src/compliance/alert-fanout.ts';
import { processDueDeliveries } from '../../src/delivery/deliveries.ts';
import { deliveryDepsFor } from './delivery-deps.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

const [url] = process.argv.slice(2) as [string];
const store = createStore(url);
await prepareDatabase(store);
const deps = deliveryDepsFor(store);
// Both processes pass a barrier into fan-out and delivery, each noting that the other was inside with it.
const b = barrierFromEnv();
let sent = 0;
const { overlapped } = await insideTogether(b.dir, b.me, b.peers, async () => {
  for (let round = 0; round < 200; round++) {
    await fanOutAlerts(store, Date.now());
    sent += (await processDueDeliveries(deps, 5)).sent;
    const [{ left }] = (await store.db.all<{ left: number }>(sql`SELECT count(*) AS left FROM deliveries WHERE status = 'pending'`)) as [{ left: number }];
    const [{ fresh }] = (await store.db.all<{ fresh: number }>(sql`SELECT count(*) AS fresh FROM alerts WHERE fanned_out_at IS NULL`)) as [{ fresh: number }];
    if (!left && !fresh) break;
  }
});
process.stdout.write(JSON.stringify({ sent, overlapped }));
store.close();
