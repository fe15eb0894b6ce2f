// A service instance that claims due deliveries once and sends them, for the dead-sender test: the
// test kills it (SIGKILL) while its send is still waiting on the fake API, leaving the lease behind.
import { createStore, prepareDatabase } from '../../db/client.ts';
import { alertDeliveryRenderer } from '../../src/compliance/alert-delivery.ts';
import { processDueDeliveries } from '../../src/delivery/deliveries.ts';
import { deliveryRenderer } from '../../src/delivery/render.ts';
import { createLogger } from '../../src/logger.ts';
import { slackNotifier } from '../../src/delivery/notifiers/slack.ts';

const [url] = process.argv.slice(2) as [string];
const store = createStore(url);
await prepareDatabase(store);
const clock = () => new Date();
const r = await processDueDeliveries({
  store, clock, log: createLogger('silent'),
  notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: process.env.SLACK_API_URL }) },
  render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, {})),
});
process.stdout.write(JSON.stringify(r));
store.close();
