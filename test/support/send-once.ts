// A service instance that claims due deliveries once and sends them, for the dead-sender test: the
// test kills it (SIGKILL) while its send is still waiting on the fake API, leaving the lease behind.
import { processDueDeliveries } from '../../src/delivery/deliveries.ts';
import { deliveryWorker } from './delivery-deps.ts';

const { store, deps } = await deliveryWorker();
const r = await processDueDeliveries(deps);
process.stdout.write(JSON.stringify(r));
store.close();
