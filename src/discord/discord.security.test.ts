// Discord probes an interactions endpoint with forged requests and removes it if any is accepted; a
// request that fails the signature check must never reach a command (no audit row, runner not called).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommandText } from '../../commands/index.ts';
import { auditLog } from '../../db/schema/index.ts';
import { startFakeDiscordApi, type FakeDiscordApi } from '../../test/fakes/discord-api.ts';
import { DISCORD_SIGNING_EXAMPLE, generateDiscordKeys, keyFromSeedHex, signDiscordRequest } from '../../test/fakes/discord-sign.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { createApp } from '../app.ts';
import { ingestRecords, prepareRecords } from '../ingest/ingest.ts';
import { createLogger } from '../logger.ts';
import { discordRoutes } from './index.ts';
import { checkDiscordSignature } from './verify.ts';

const EXAMPLE = DISCORD_SIGNING_EXAMPLE;
const exampleKeys = keyFromSeedHex(EXAMPLE.seedHex);
const clock = settableClock(Number(EXAMPLE.timestamp) * 1000 + 2000);
const store = await createTestStore();
const config = testConfig({ DISCORD_PUBLIC_KEY: EXAMPLE.publicKeyHex, DISCORD_APPLICATION_ID: '555000000000000009', DISCORD_ADMINS: '42' });
let api: FakeDiscordApi;
let runs = 0;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  api = await startFakeDiscordApi();
  const counted: typeof runCommandText = (text, ctx) => {
    runs++;
    return runCommandText(text, ctx);
  };
  const log = createLogger('silent');
  const discord = { ...config.discord!, apiUrl: api.url };
  app = createApp({ store, config, clock, log, mounts: [{ path: '/discord', app: discordRoutes({ store, identity: config.identity, clock, log, discord, run: counted }) }] });
  const { records } = prepareRecords(
    [{ type: 'identify', id: 'sec-1', timestamp: '2023-11-14T00:00:00+00:00', identifiers: { email: 'sec@example.com' } }],
    config.identity,
  );
  await ingestRecords({ store, identity: config.identity, clock }, records, 'test');
});
beforeEach(() => {
  clock.set(Number(EXAMPLE.timestamp) * 1000 + 2000);
  runs = 0;
});
afterAll(() => api.close());

const lookupBody = JSON.stringify({
  id: '1', type: 2, token: 'tok', channel_id: '7', member: { user: { id: '42' }, roles: [] },
  data: { name: 'user360', options: [{ name: 'lookup', type: 1, options: [{ name: 'identifier', type: 3, value: 'sec@example.com' }] }] },
});
// A plain record, so tests can drop or replace headers.
const sign = (...args: Parameters<typeof signDiscordRequest>): Record<string, string> => ({ ...signDiscordRequest(...args) });
const post = (body: string, headers: Record<string, string>) => app.request('/discord/interactions', { method: 'POST', headers, body });
const audits = async () => (await store.db.select().from(auditLog)).length;

async function expectRefused(res: Response) {
  expect(res.status, await res.clone().text()).toBe(401);
  expect(runs).toBe(0);
  expect(await audits()).toBe(0);
}

describe('Discord request signatures', () => {
  it('verifies the RFC 8032 test-1 vector and answers the PING', async () => {
    const headers = { 'x-signature-ed25519': EXAMPLE.signature, 'x-signature-timestamp': EXAMPLE.timestamp, 'content-type': 'application/json' };
    const res = await post(EXAMPLE.body, headers);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
    const req = { signature: EXAMPLE.signature, timestamp: EXAMPLE.timestamp, body: EXAMPLE.body };
    expect(checkDiscordSignature(EXAMPLE.publicKeyHex, req, clock().getTime())).toBeNull();
    expect(checkDiscordSignature(EXAMPLE.publicKeyHex, { ...req, body: '{"type":2}' }, clock().getTime())).toBe('bad signature');
  });

  it('refuses the vector with the body altered', async () => {
    const headers = { 'x-signature-ed25519': EXAMPLE.signature, 'x-signature-timestamp': EXAMPLE.timestamp, 'content-type': 'application/json' };
    await expectRefused(await post('{"type":2}', headers));
    await expectRefused(await post('{"type":1} ', headers));
  });

  it('runs a correctly signed command (so the refusals below are meaningful)', async () => {
    const res = await post(lookupBody, sign(exampleKeys.privateKey, lookupBody, EXAMPLE.timestamp));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(runs).toBe(1);
    expect(await audits()).toBe(1);
    await store.db.delete(auditLog);
  });

  it('refuses a command with the body altered after signing', async () => {
    const headers = sign(exampleKeys.privateKey, lookupBody, EXAMPLE.timestamp);
    await expectRefused(await post(lookupBody.replace('sec@example.com', 'sed@example.com'), headers));
  });

  it('refuses a command signed with another key', async () => {
    const other = generateDiscordKeys();
    await expectRefused(await post(lookupBody, sign(other.privateKey, lookupBody, EXAMPLE.timestamp)));
  });

  it('refuses a signature over another timestamp', async () => {
    const headers = sign(exampleKeys.privateKey, lookupBody, EXAMPLE.timestamp);
    await expectRefused(await post(lookupBody, { ...headers, 'x-signature-timestamp': String(Number(EXAMPLE.timestamp) + 1) }));
  });

  it.each(['x-signature-ed25519', 'x-signature-timestamp'])('refuses a request without %s', async (header) => {
    const headers: Record<string, string> = sign(exampleKeys.privateKey, lookupBody, EXAMPLE.timestamp);
    delete headers[header];
    await expectRefused(await post(lookupBody, headers));
  });

  it.each([
    ['empty', ''],
    ['not hex', 'z'.repeat(128)],
    ['too short', 'ab'.repeat(32)],
    ['too long', `${EXAMPLE.signature}00`],
  ])('refuses a malformed signature (%s)', async (_, signature) => {
    const headers = sign(exampleKeys.privateKey, lookupBody, EXAMPLE.timestamp);
    await expectRefused(await post(lookupBody, { ...headers, 'x-signature-ed25519': signature }));
  });

  it('refuses a replay older than 5 minutes, and a timestamp from the future', async () => {
    const headers = sign(exampleKeys.privateKey, lookupBody, EXAMPLE.timestamp);
    clock.set((Number(EXAMPLE.timestamp) + 301) * 1000);
    await expectRefused(await post(lookupBody, headers));
    clock.set((Number(EXAMPLE.timestamp) - 301) * 1000);
    await expectRefused(await post(lookupBody, headers));
    clock.set((Number(EXAMPLE.timestamp) + 299) * 1000);
    expect((await post(lookupBody, headers)).status).toBe(200);
    await store.db.delete(auditLog);
  });

  it('refuses a non-numeric timestamp', async () => {
    const body = EXAMPLE.body;
    await expectRefused(await post(body, sign(exampleKeys.privateKey, body, '1700000000.5')));
  });

  it('answers 404 to other methods and paths without running anything', async () => {
    expect((await app.request('/discord/interactions', { method: 'GET' })).status).toBe(404);
    expect(runs).toBe(0);
  });
});
