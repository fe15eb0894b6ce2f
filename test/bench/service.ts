/**
 * The service as src/main.ts wires it, in this process and on the bench database: the real Hono app
 * with /slack mounted, a Bolt App talking to the fake Slack Web API, the delivery worker with its alert
 * fan-out and `onAlerts` kick, and one API key. Requests go through `app.request()`.
 */
import { createStore, prepareDatabase } from '../../db/client.ts';
import { fanOutAlerts } from '../../src/compliance/alert-fanout.ts';
import { alertDeliveryRenderer } from '../../src/compliance/alert-delivery.ts';
import { createApp } from '../../src/app.ts';
import { startIngestThread } from '../../src/ingest/thread.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { parseConfig } from '../../src/config.ts';
import { deliveryRenderer } from '../../src/delivery/render.ts';
import { startDeliveryWorker } from '../../src/delivery/worker.ts';
import { createLogger } from '../../src/logger.ts';
import { slackNotifier } from '../../src/delivery/notifiers/slack.ts';
import { slackRoutes } from '../../src/slack/index.ts';
import { SLACK_BOT, startFakeSlackApi } from '../fakes/slack-api.ts';
import { signSlackRequest, slashCommandBody } from '../fakes/slack-sign.ts';

export const SIGNING_SECRET = 'bench-signing-secret-0123456789';
export const ADMIN = 'UADMIN';

/** The bench's clock: the data set's "now", running forward at real speed from when the bench started. */
export function runningClock(anchor: number) {
  const offset = anchor - Date.now();
  return () => new Date(Date.now() + offset);
}

export async function startService(dbPath: string, anchor: number) {
  const api = await startFakeSlackApi();
  const config = parseConfig({
    DATABASE_URL: `file:${dbPath}`,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: SLACK_BOT.token,
    SLACK_API_URL: api.url,
    SLACK_ADMINS: ADMIN,
    LOG_LEVEL: 'silent',
    // As the spawned server: INGEST_THREAD=on in the bench's environment turns the ingest thread on.
    INGEST_THREAD: process.env.INGEST_THREAD === 'on' ? 'on' : 'off',
  });
  const slack = config.slack!;
  const store = await createStore(config.databaseUrl);
  await prepareDatabase(store);
  const log = createLogger('silent');
  const clock = runningClock(anchor);
  const deps = { store, identity: config.identity, clock };
  const routes = slackRoutes({ ...deps, log, slack, retryConfig: { retries: 0 } });
  const notifiers = { slack: slackNotifier({ token: slack.botToken, apiUrl: slack.apiUrl }) };
  const delivery = { store, clock, log, notifiers, render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, { slack: slack.admins })) };
  const worker = startDeliveryWorker(delivery, 1000, () => fanOutAlerts(store, clock().getTime()));
  const ingestThread = config.ingestThread ? startIngestThread(store, config.identity) : undefined;
  const app = createApp({ store, config, clock, log, mounts: [{ path: '/slack', app: routes }], onAlerts: worker.kick, ingestThread });
  const { key } = await createApiKey(store, `bench-${Date.now()}`, clock().getTime());
  const auth = { authorization: `Bearer ${key}` };

  /** `/user360 <text>` from `user`, signed by the service clock like Slack would sign it. */
  const slash = (text: string, user = 'U1') => {
    const body = slashCommandBody({ text, user_id: user, channel_id: 'C1', response_url: api.responseUrl('bench') });
    return app.request('/slack/events', { method: 'POST', headers: { ...signSlackRequest(SIGNING_SECRET, body, Math.floor(clock().getTime() / 1000)) }, body });
  };
  const get = (path: string) => app.request(path, { headers: auth });
  const post = (path: string, body: string, type = 'application/json') => app.request(path, { method: 'POST', headers: { ...auth, 'content-type': type }, body });

  return {
    api, app, store, config, clock, log, deps, delivery, worker, key, slash, get, post,
    /** Stops the service; the fake Slack API stays up unless `api` is true (a spawned server may still use it). */
    async stop(closeApi = true) {
      worker.stop();
      await ingestThread?.close();
      store.close();
      if (closeApi) await api.close();
    },
  };
}

export type Service = Awaited<ReturnType<typeof startService>>;
