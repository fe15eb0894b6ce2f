// A separate service instance for the exactly-once test: same database file, its own notifiers.
import { createStore, prepareDatabase } from '../../db/client.ts';
import { deliveryRenderer } from '../../src/delivery/render.ts';
import { alertDeliveryRenderer } from '../../src/compliance/alert-delivery.ts';
import { runDailyDigest } from '../../src/digest/job.ts';
import { createLogger } from '../../src/logger.ts';
import { discordNotifier } from '../../src/delivery/notifiers/discord.ts';
import { slackNotifier } from '../../src/delivery/notifiers/slack.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

const [url, nowIso] = process.argv.slice(2) as [string, string];
const store = createStore(url);
await prepareDatabase(store);
const now = Date.parse(nowIso);
const clock = () => new Date(now);
const deps = {
  store, clock, log: createLogger('silent'),
  notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: process.env.SLACK_API_URL }), discord: discordNotifier({ token: 'bot', apiUrl: process.env.DISCORD_API_URL }) },
  render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, {})),
};
const b = barrierFromEnv();
const { result, overlapped } = await insideTogether(b.dir, b.me, b.peers, () => runDailyDigest(deps, now));
process.stdout.write(JSON.stringify({ ...result, overlapped }));
store.close();
