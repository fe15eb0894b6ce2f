// A service instance that claims due deliveries once and sends them, for the dead-sender test: the
// test kills it (SIGKILL) while its send is still waiting on the fake API, leaving the lease behind.
import { createStore, prepareDatabase } from '../../db/client.ts';
import { processDueDeliveries } from '../../src/delivery/deliveries.ts';
import { deliveryDepsFor } from './delivery-deps.ts';

const [url] = process.argv.slice(2) as [string];
const store = createStore(url);
await prepareDatabase(store);
const r = await processDueDeliveries(deliveryDepsFor(store));
process.stdout.write(JSON.stringify(r));
store.close();
