/**
 * The libSQL server goes away while the service runs, and comes back on the same port and folder:
 * requests answer 503 {code, message} within the client's bound instead of hanging or crashing, the
 * delivery worker keeps its rows and sends each alert once when the server is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { subscribeAlerts } from '../../src/compliance/alert-subscriptions.ts';
import { startFakeSlackApi, SLACK_BOT, type FakeSlackApi } from '../fakes/slack-api.ts';
import { uniq } from '../support/factories.ts';
import { startService, type Service } from '../support/service.ts';
import { startSqld, type Sqld } from '../support/sqld.ts';

let sqld: Sqld;
let store: Store;
let svc: Service;
let slack: FakeSlackApi;
let auth: Record<string, string>;

beforeAll(async () => {
  sqld = await startSqld();
  slack = await startFakeSlackApi();
  store = await createStore(sqld.url);
  await prepareDatabase(store);
  auth = { authorization: `Bearer ${(await createApiKey(store, 'outage', Date.now())).key}`, 'content-type': 'application/json' };
  await subscribeAlerts(store, { platform: 'slack', target: 'channel:C9', filter: 'all', minLevel: null, by: 'UADMIN', now: Date.now() });
  svc = await startService({
    DATABASE_URL: sqld.url, DATABASE_TIMEOUT: '3',
    SLACK_SIGNING_SECRET: 'outage-test-secret', SLACK_BOT_TOKEN: SLACK_BOT.token, SLACK_API_URL: slack.url, SLACK_ADMINS: 'UADMIN',
  });
}, 90_000);

afterAll(async () => {
  await svc?.stop();
  store?.close();
  await slack?.close();
  await sqld?.stop();
});

const kyc = (email: string, status: string, risk: number) => ({ type: 'kyc', id: uniq('k-'), timestamp: new Date().toISOString(), identifiers: { email }, status, risk_score: risk });
const post = (body: unknown) => fetch(`${svc.url}/v1/kyc`, { method: 'POST', headers: auth, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
const alertPosts = () => slack.callsTo('chat.postMessage');

describe('the libSQL server stopped and started again under a running service', () => {
  it('answers 503 meanwhile, loses nothing and sends each alert once when it is back', async () => {
    const [e1, e2] = [`${uniq('o1')}@example.com`, `${uniq('o2')}@example.com`];
    // An alert whose first send fails (Slack down), so its delivery is pending when the server goes.
    slack.setDown(true);
    expect((await post(kyc(e1, 'verified', 20))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    await sqld.stop({ keep: true });
    // Slack is back; the database is not: the worker's ticks now fail at the database, not at Slack.
    slack.setDown(false);

    const refused = kyc(e2, 'rejected', 95);
    const res = await post(refused);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'database_unavailable', message: expect.stringContaining('Try again') });
    expect((await fetch(`${svc.url}/healthz`, { signal: AbortSignal.timeout(15_000) })).status).toBe(503);
    // Jobs keep failing against the missing server for a few worker ticks; the process stays up.
    await new Promise((r) => setTimeout(r, 3000));
    expect(svc.alive(), svc.output()).toBe(true);

    sqld = await startSqld({ dbPath: sqld.dbPath, port: sqld.port });
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    // The refused request stored nothing: sent again, it is new, not a duplicate.
    const again = await post(refused);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ accepted: 1, duplicates: 0 });

    // Both alerts reach the channel, each once (the first after its backoff).
    await slack.waitFor('chat.postMessage', 2, 90_000);
    await new Promise((r) => setTimeout(r, 3000));
    const texts = alertPosts().map((c) => JSON.stringify(c.body));
    expect(texts, svc.output()).toHaveLength(2);
    expect(texts.filter((t) => t.includes('🟢 verified'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('🔴 rejected'))).toHaveLength(1);
  }, 180_000);
});
