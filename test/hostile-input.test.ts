// Hostile input, case by case (issue 11): every case here got through on main before the record rules,
// the Map/null-prototype lookup tables, the linear Slack-link pattern and the body limits.
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runCommandText } from '../commands/index.ts';
import { tokenize, unwrapSlackLinks } from '../commands/parse.ts';
import { createApp } from '../src/app.ts';
import { buildDigest } from '../src/digest/model.ts';
import { computeRollup, unfinishedDays } from '../src/metrics/rollup.ts';
import { discordRoutes } from '../src/discord/index.ts';
import { CHAT_BODY_LIMITS } from '../src/http/body-limit.ts';
import { detectIdentifier } from '../src/identity/normalize.ts';
import { createLogger } from '../src/logger.ts';
import { slackHarness, visible } from '../src/slack/slack.test-kit.ts';
import { startFakeDiscordApi } from './fakes/discord-api.ts';
import { generateDiscordKeys, signDiscordRequest } from './fakes/discord-sign.ts';
import { body, createTestApp } from './support/app.ts';
import { uniq } from './support/factories.ts';
import { inChild } from './support/bounded.ts';

const t = await createTestApp();
const at = '2026-11-20T10:00:00+08:00';
const count = async (table: string) => Number(((await t.store.db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`))) as [{ n: number }])[0].n);
const identify = (over: Record<string, unknown> = {}) => ({ id: uniq('h-'), timestamp: at, identifiers: { external_id: uniq('hc-') }, ...over });
const tx = (usdt: unknown, ext: string, over: Record<string, unknown> = {}) => ({
  type: 'transaction', id: uniq('ht-'), timestamp: at, identifiers: { external_id: ext }, chain: 'tron', token: 'USDT', amount: usdt, usdt_value: usdt, direction: 'in', ...over,
});

/** Posts and expects the 400 invalid_records answer naming `path` of record `index`. */
async function refused(path: string, payload: unknown, field: string, index = 0) {
  const res = await t.post(path, payload);
  const b = await body(res);
  expect(res.status, JSON.stringify(b)).toBe(400);
  expect(b.code).toBe('invalid_records');
  expect(b.errors, JSON.stringify(b)).toEqual(expect.arrayContaining([expect.objectContaining({ index, path: field })]));
  return b;
}

describe('record rules (SPEC §3 "What a record may hold")', () => {
  it('refuses a lone surrogate or a NUL in any string field, naming the field, and stores nothing', async () => {
    const before = await Promise.all(['customers', 'identifiers', 'ingested_records', 'traits', 'events'].map(count));
    await refused('/v1/identify', identify({ id: '\ud800' }), 'id');
    await refused('/v1/identify', identify({ identifiers: { external_id: 'x\udc00y' } }), 'identifiers.external_id');
    await refused('/v1/identify', identify({ identifiers: { email: ['ok@example.com', 'a\u0000@example.com'] } }), 'identifiers.email.1');
    await refused('/v1/identify', identify({ traits: { tags: ['vip', '\ud83d'] } }), 'traits.tags.1');
    await refused('/v1/events', { ...identify(), name: 'open', device: { id: 'd\u0000', model: 'x' } }, 'device.id');
    await refused('/v1/kyc', { ...identify(), status: 'pending', reason: 'bad \udfff' }, 'reason');
    await refused('/v1/batch', [{ type: 'identify', ...identify() }, tx('1', 'c', { token: 'US\ud800DT' })], 'token', 1);
    const nd = [JSON.stringify({ type: 'identify', ...identify() }), '{"type":"identify","id":"\\ud800","timestamp":"2026-11-20T10:00:00+08:00","identifiers":{"external_id":"q"}}'].join('\n');
    const res = await t.post('/v1/batch', nd, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(400);
    expect((await body(res)).errors).toEqual([expect.objectContaining({ index: 1, path: 'id' })]);
    expect(await Promise.all(['customers', 'identifiers', 'ingested_records', 'traits', 'events'].map(count))).toEqual(before);
  });

  it('refuses an id holding a NUL instead of claiming its prefix, so a later legitimate id is stored', async () => {
    const stem = uniq('nul-');
    await refused('/v1/identify', identify({ id: `${stem}\u0000x` }), 'id');
    const later = await body(await t.post('/v1/identify', identify({ id: stem })));
    expect(later).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('bounds ids and identifiers at 256 characters, in records and in lookups', async () => {
    await refused('/v1/identify', identify({ id: 'i'.repeat(257) }), 'id');
    await refused('/v1/identify', identify({ identifiers: { external_id: 'e'.repeat(257) } }), 'identifiers.external_id');
    await refused('/v1/identify', identify({ identifiers: { kakao_id: 'k'.repeat(1_000_000) } }), 'identifiers.kakao_id');
    expect(await body(await t.post('/v1/identify', identify({ id: uniq('i').padEnd(256, 'i'), identifiers: { external_id: uniq('e').padEnd(256, 'e') } })))).toMatchObject({ accepted: 1 });
    const long = await t.get(`/v1/profiles/${encodeURIComponent(`ext:${'e'.repeat(257)}`)}`);
    expect(long.status).toBe(400);
    expect(await body(long)).toMatchObject({ code: 'invalid_identifier', message: expect.stringContaining('at most 256 characters') });
  });

  it('bounds amounts: non-negative, at most 1e15, at most 18 decimal places; exponents are spelled out', async () => {
    const ext = uniq('amt-');
    for (const v of ['1e400', '1e308', 1e300, '1000000000000000.5', '1000000000000001', '0.0000000000000000001', '-1', 'Infinity', '0x10']) {
      await refused('/v1/transactions', tx(v, ext), 'usdt_value');
    }
    // 1e400 as a JSON number literal parses to Infinity: refused the same way.
    const inf = await t.post('/v1/transactions', JSON.stringify(tx('1', ext)).replace('"usdt_value":"1"', '"usdt_value":1e400'));
    expect(inf.status).toBe(400);
    await refused('/v1/purchases', { ...identify(), order_id: 'o', amount: '1e16', currency: 'TWD' }, 'amount');
    expect(await body(await t.post('/v1/transactions', tx('1e15', ext)))).toMatchObject({ accepted: 1 });
    expect(await body(await t.post('/v1/transactions', tx('0.000000000000000001', ext)))).toMatchObject({ accepted: 1 });
    expect(await body(await t.post('/v1/transactions', tx('1.5e2', ext)))).toMatchObject({ accepted: 1 });
    const stored = await t.store.db.all<{ amount: string }>(sql`SELECT amount FROM transactions t JOIN identifiers i ON i.customer_id = t.customer_id WHERE i.value = ${ext} ORDER BY t.id`);
    expect(stored.map((r) => r.amount)).toEqual(['1000000000000000', '0.000000000000000001', '150']);
  });

  it('bounds timestamps between 1970-01-01 and 24 hours after the server clock', async () => {
    const now = t.clock().getTime();
    await refused('/v1/identify', identify({ timestamp: '0001-01-01T00:00:00Z' }), 'timestamp');
    await refused('/v1/identify', identify({ timestamp: '1969-12-31T23:59:59Z' }), 'timestamp');
    await refused('/v1/identify', identify({ timestamp: new Date(now + 24 * 3600_000 + 1000).toISOString() }), 'timestamp');
    await refused('/v1/kyc', { ...identify(), status: 'pending', applied_at: '0001-01-01T00:00:00Z' }, 'applied_at');
    expect(await body(await t.post('/v1/identify', identify({ timestamp: new Date(now + 23 * 3600_000).toISOString() })))).toMatchObject({ accepted: 1 });
    expect(await body(await t.post('/v1/identify', identify({ timestamp: '1970-01-01T00:00:00Z' })))).toMatchObject({ accepted: 1 });
  });

  it('keeps every read answering after huge sums: past 2^53 micros, two 9e12 transactions, then three of 1e15', async () => {
    const ext = uniq('whale-');
    const check = async (expected: number) => {
      // The day's rollup too (daily and per-customer volume, all-time totals), as the nightly job runs it.
      for (const day of await unfinishedDays(t.store, t.clock().getTime())) await computeRollup(t.store, day, t.clock().getTime());
      const profile = await t.get(`/v1/profiles/ext:${ext}`);
      const p = await body(profile);
      expect(profile.status, JSON.stringify(p)).toBe(200);
      expect(p.assetpro.transaction_value_usdt).toBe(expected);
      for (const range of ['all', '30d', '7d', '2026-11-18..2026-11-18']) {
        const m = await t.get(`/v1/metrics?range=${range}`);
        expect(m.status, `${range}: ${await m.clone().text()}`).toBe(200);
      }
      const top = await body(await t.get('/v1/metrics?range=2026-11-18..2026-11-18'));
      expect(top.assetpro.top_customers[0].value_usdt).toBe(expected);
      const digest = await buildDigest(t.store.db, '2026-11-18', t.clock().getTime());
      expect(digest.transactions.value_usdt).toBe(expected);
    };
    // A day of its own, so other tests' transactions stay out of this one's top list and digest.
    const whale = (v: string) => tx(v, ext, { timestamp: '2026-11-18T10:00:00+08:00' });
    // 1e10 USDT is 1e16 micros: past 2^53, so a total stored as INTEGER is one the libSQL client refuses to read.
    expect(await body(await t.post('/v1/transactions', whale('10000000000')))).toMatchObject({ accepted: 1 });
    await check(1e10);
    for (const v of ['9000000000000', '9000000000000']) expect(await body(await t.post('/v1/transactions', whale(v)))).toMatchObject({ accepted: 1 });
    await check(18e12 + 1e10);
    for (let i = 0; i < 3; i++) await t.post('/v1/transactions', whale('1e15'));
    await check(3e15 + 18e12 + 1e10);
  });
});

describe('prototype keys are never found in a lookup table', () => {
  it('answers profile lookups of __proto__:x, constructor:x and friends with 400, not 500', async () => {
    for (const id of ['__proto__:x', 'constructor:x', 'toString:x', 'hasOwnProperty:x', '__proto__', 'constructor']) {
      const res = await t.get(`/v1/profiles/${encodeURIComponent(id)}`);
      expect(res.status, `${id}: ${await res.clone().text()}`).toBe(400);
      expect(await body(res)).toMatchObject({ code: 'invalid_identifier' });
    }
  });

  it('treats constructor, __proto__ and toString as unknown subcommands (the CLI and every chat share the registry)', async () => {
    const ctx = { store: t.store, identity: t.config.identity, clock: t.clock, caller: { platform: 'cli' as const, userId: 'me', role: 'admin' as const } };
    for (const text of ['constructor', '__proto__', 'toString x', 'hasOwnProperty', 'lookup constructor:x', 'lookup __proto__:1']) {
      const r = await runCommandText(text, ctx as never);
      expect(r.kind, text).toBe('usage_error');
    }
  });
});

describe('caller text parsers are linear', () => {
  it('unwraps Slack links and splits words in linear time on hostile input (in a child process with a generous bound)', async () => {
    // On main the unclosed `<tel:` run took 22 s for 256k characters; linear code takes milliseconds.
    const results = await inChild(new URL('./support/hostile-parsers.ts', import.meta.url), 20_000);
    expect(results).toEqual({ unwrapped: 1_000_000, words: 500_000 });
  });

  it('refuses an over-long lookup before any pattern reads it', () => {
    const hostile = '<tel:'.repeat(50_000);
    expect(() => detectIdentifier(hostile, { defaultRegion: 'TW' })).toThrow(/at most 256 characters/);
    expect(unwrapSlackLinks('<mailto:a@b.co|a@b.co> <tel:+886912345678|0912> <tel:1')).toBe('a@b.co +886912345678 <tel:1');
    expect(tokenize('lookup <mailto:a@b.co|a@b.co> "two words" <<x>')).toEqual(['lookup', '<mailto:a@b.co|a@b.co>', 'two words', '<<x>']);
  });
});

describe('chat surfaces', async () => {
  const slack = await slackHarness();
  const ack = async (text: string) => {
    const r = await slack.command(text).res;
    const json = await body(r);
    expect(r.status, JSON.stringify(json)).toBe(200);
    return visible(json);
  };

  it('Slack: unknown prototype subcommands and over-long text get a clear usage answer', async () => {
    for (const text of ['constructor', '__proto__', 'lookup constructor:x']) expect(await ack(text), text).toContain('⚠️');
    expect(await ack(`lookup ${'x'.repeat(4001)}`)).toContain('the limit is 4000');
    expect(await ack(`lookup ${'<tel:'.repeat(790)}`)).toContain('at most 256 characters');
  });

  const keys = generateDiscordKeys();
  const discordApi = await startFakeDiscordApi();
  afterAll(() => discordApi.close());
  const { createTestStore, testConfig } = await import('./support/db.ts');
  const dStore = await createTestStore();
  const dConfig = testConfig({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: '555000000000000001', DISCORD_API_URL: discordApi.url, DISCORD_ADMINS: '42' });
  const log = createLogger('silent');
  const routes = discordRoutes({ store: dStore, identity: dConfig.identity, clock: t.clock, log, discord: dConfig.discord! });
  const discord = createApp({ store: dStore, config: dConfig, clock: t.clock, log, mounts: [{ path: '/discord', app: routes }] });
  const interaction = (sub: string, value?: string) =>
    JSON.stringify({
      id: uniq('i'), type: 2, token: 'tok', channel_id: '7', member: { user: { id: '42' }, roles: [] },
      data: { name: 'user360', options: [{ name: sub, type: 1, options: value === undefined ? [] : [{ name: 'identifier', type: 3, value }] }] },
    });
  const send = async (payload: string) => {
    const res = await discord.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, payload, String(Math.floor(t.clock().getTime() / 1000))) }, body: payload });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return text;
  };

  it('Discord: prototype subcommands and identifiers, and over-long text, are usage errors', async () => {
    for (const payload of [interaction('constructor'), interaction('__proto__'), interaction('lookup', 'constructor:x'), interaction('lookup', '__proto__:x')]) {
      expect(await send(payload)).toContain('That did not work');
    }
    expect(await send(interaction('lookup', 'x'.repeat(4001)))).toContain('the limit is 4000');
  });

  it('Discord and Slack refuse an oversized body before verifying it, with or without Content-Length', async () => {
    const big = 'x'.repeat(CHAT_BODY_LIMITS.discord + 1);
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode(big.slice(0, 100_000)));
          c.close();
        },
      });
    const cases: [string, RequestInit][] = [
      ['/discord/interactions', { method: 'POST', body: big, headers: { 'content-length': String(big.length) } }],
      ['/discord/interactions', { method: 'POST', body: chunked(), duplex: 'half' } as RequestInit],
    ];
    for (const [path, init] of cases) {
      const res = await discord.request(path, init);
      expect(res.status).toBe(413);
      expect(await body(res)).toMatchObject({ code: 'body_too_large', message: expect.any(String) });
    }
    const slackBig = 'x'.repeat(CHAT_BODY_LIMITS.slack + 1);
    for (const init of [{ body: slackBig, headers: { 'content-length': String(slackBig.length) } }, { body: new Blob([slackBig]).stream(), duplex: 'half' }]) {
      const res = await slack.app.request('/slack/events', { method: 'POST', ...init } as RequestInit);
      expect(res.status).toBe(413);
      expect(await body(res)).toMatchObject({ code: 'body_too_large' });
    }
  });
});

describe('body limits on every other route', () => {
  it('refuses a body on routes that take none, and an ingest body over its limit, before auth reads anything', async () => {
    const kb17 = 'x'.repeat(17 * 1024);
    for (const path of ['/healthz', '/openapi.json', '/nowhere']) {
      const res = await t.app.request(path, { method: 'POST', body: new Blob([kb17]).stream(), duplex: 'half' } as RequestInit);
      expect(res.status, path).toBe(413);
      expect(await body(res)).toMatchObject({ code: 'body_too_large' });
    }
    const huge = 'x'.repeat(5 * 1024 * 1024 + 1);
    const unsigned = await t.app.request('/v1/batch', { method: 'POST', body: new Blob([huge]).stream(), duplex: 'half' } as RequestInit);
    expect(unsigned.status).toBe(413);
  });
});
