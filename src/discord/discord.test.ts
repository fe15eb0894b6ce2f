import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { runCommandText } from '../../commands/index.ts';
import { auditLog } from '../../db/schema/index.ts';
import { startFakeDiscordApi, type FakeDiscordApi } from '../../test/fakes/discord-api.ts';
import { generateDiscordKeys, signDiscordRequest } from '../../test/fakes/discord-sign.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { grantRole } from '../access/roles.ts';
import { createApp } from '../app.ts';
import { prepareRecords, ingestRecords } from '../ingest/ingest.ts';
import { createLogger } from '../logger.ts';
import { makeAddress } from '../seed/addresses.ts';
import { checkDiscordLimits } from './embeds.ts';
import { discordRoutes, type DiscordDeps } from './index.ts';

const APP_ID = '555000000000000001';
const ADMIN = '900000000000000001';
const VIEWER = '900000000000000002';
const COMPLIANCE = '900000000000000003';
const GUILD_ROLE = '800000000000000001';
const keys = generateDiscordKeys();
const clock = settableClock('2026-11-21T12:00:00+08:00');
const log = createLogger('silent');
const store = await createTestStore();
let api: FakeDiscordApi;

const evm = makeAddress.evm(new Uint8Array(20).fill(0x5d));
const tron = makeAddress.tron(new Uint8Array(20).fill(0x2c));
const manyWallets = Array.from({ length: 200 }, (_, i) => ({ chain: 'ethereum', address: makeAddress.evm(Uint8Array.from({ length: 20 }, (_, j) => (i * 7 + j * 13 + 1) % 256)) }));

function setup(extra: Partial<DiscordDeps> = {}) {
  const config = testConfig({
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: api.url,
    DISCORD_ADMINS: ADMIN,
    IDENTIFIER_LIMITS: 'wallet=300',
  });
  const discord = { ...config.discord!, ...extra.discord };
  const routes = discordRoutes({ store, identity: config.identity, clock, log, discord, ...extra });
  const app = createApp({ store, config, clock, log, mounts: [{ path: '/discord', app: routes }] });
  return { app, config };
}

let unifiedId = '';
let whaleId = '';

beforeAll(async () => {
  api = await startFakeDiscordApi();
  const { config } = setup();
  const raw = [
    {
      type: 'identify', id: 'dc-i1', timestamp: '2026-11-20T10:00:00+08:00',
      identifiers: { external_id: 'dc-1001', email: 'Alice.Discord@Example.com', phone: '0912 345 678', wallets: [{ chain: 'ethereum', address: evm.toLowerCase() }, { chain: 'tron', address: tron }] },
      traits: { name: 'Alice Chen', membership_level: 'gold', platform: 'ios', tags: ['vip'] },
    },
    {
      type: 'kyc', id: 'dc-k1', timestamp: '2026-11-20T11:00:00+08:00', identifiers: { email: 'alice.discord@example.com' },
      status: 'verified', risk_score: 30, form_number: 'F-0001', document_id: 'A123456789', tasks: [{ id: 'T-1', name: 'IDV', status: 'done' }],
    },
    { type: 'transaction', id: 'dc-t1', timestamp: '2026-11-20T12:00:00+08:00', identifiers: { wallets: [{ chain: 'tron', address: tron }] }, chain: 'tron', token: 'USDT', amount: '120.5', usdt_value: '120.5', direction: 'in' },
    { type: 'transaction', id: 'dc-t2', timestamp: '2026-11-20T13:00:00+08:00', identifiers: { wallets: [{ chain: 'ethereum', address: evm }] }, chain: 'ethereum', token: 'ETH', amount: '0.3', usdt_value: '1000', direction: 'out' },
    // The whale also fills every other list to its ingest maximum, so the limits test meets the worst case.
    {
      type: 'identify', id: 'dc-w1', timestamp: '2026-11-19T09:00:00+08:00', identifiers: { external_id: 'dc-whale', wallets: manyWallets },
      traits: { name: 'Wally Whale', tags: Array.from({ length: 100 }, (_, i) => `tag-${i}-${'x'.repeat(70)}`) },
    },
    {
      type: 'kyc', id: 'dc-w2', timestamp: '2026-11-19T10:00:00+08:00', identifiers: { external_id: 'dc-whale' }, status: 'pending', risk_score: 100,
      form_number: 'F-9'.padEnd(100, '9'), tasks: Array.from({ length: 100 }, (_, i) => ({ id: `T-${i}`, name: `check ${'*_'.repeat(90)}`, status: 'open' })),
    },
  ];
  const { records, issues } = prepareRecords(raw, config.identity);
  expect(issues).toEqual([]);
  const result = await ingestRecords({ store, identity: config.identity, clock }, records, 'test');
  expect(result.accepted).toBe(raw.length);
  [unifiedId] = result.unifiedIds as [string];
  whaleId = result.unifiedIds.at(-1)!;
  await grantRole(store.db, { platform: 'discord', subject: `role:${GUILD_ROLE}`, role: 'compliance', grantedBy: ADMIN, now: clock().getTime() });
});
afterEach(() => api.reset());
afterAll(() => api.close());

let seq = 0;
function command(userId: string, sub: string, options: Array<{ name: string; type: number; value: unknown }> = [], roles: string[] = []) {
  return {
    id: `i${++seq}`, type: 2, token: `tok-${seq}`, application_id: APP_ID, channel_id: '700000000000000001', guild_id: '600000000000000001',
    member: { user: { id: userId, username: 'someone' }, roles },
    data: { id: '1', name: 'user360', type: 1, options: [{ name: sub, type: 1, options }] },
  };
}
const button = (userId: string, customId: string, roles: string[] = []) => ({
  id: `b${++seq}`, type: 3, token: `tok-${seq}`, application_id: APP_ID, channel_id: '700000000000000001',
  member: { user: { id: userId }, roles }, data: { custom_id: customId, component_type: 2 },
});
const lookupOf = (userId: string, identifier: string, roles: string[] = []) => command(userId, 'lookup', [{ name: 'identifier', type: 3, value: identifier }], roles);

type Reply = { type: number; data?: { flags?: number; embeds?: APIEmbed[]; components?: Array<{ components: Array<{ custom_id?: string; label?: string }> }> } };

async function send(app: ReturnType<typeof setup>['app'], payload: unknown): Promise<Reply> {
  const body = JSON.stringify(payload);
  const res = await app.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(clock().getTime() / 1000))) }, body });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Reply;
}
const embedOf = (r: Reply) => r.data!.embeds![0]!;
const embedTitled = (r: Reply, title: string) => r.data!.embeds!.find((e) => e.title === title)!;
const footerOf = (r: Reply) => r.data!.embeds!.at(-1)!.footer?.text;
const field = (e: APIEmbed, name: string) => e.fields?.find((f) => f.name === name)?.value;
const audits = () => store.db.select().from(auditLog);

describe('Discord interactions', () => {
  it('answers PING with PONG', async () => {
    expect(await send(setup().app, { id: 'p', type: 1, token: 't' })).toEqual({ type: 1 });
  });

  it('works in a DM, where Discord sends user instead of member', async () => {
    const { member: _, guild_id: __, ...dm } = lookupOf(VIEWER, 'ext:dc-1001');
    const reply = await send(setup().app, { ...dm, user: { id: ADMIN } });
    expect(embedOf(reply).title).toBe('Alice Chen');
    expect((await audits()).at(-1)).toMatchObject({ callerId: ADMIN, identifierType: 'external_id' });
  });

  it.each([
    ['email', 'alice.discord@example.com'],
    ['phone', '+886 912 345 678'],
    ['wallet (any spelling)', evm.toLowerCase()],
    ['tron wallet', `tron:${tron}`],
    ['unified id', () => unifiedId],
    ['external id', 'ext:dc-1001'],
  ])('looks a customer up by %s and answers with an ephemeral profile embed', async (_, id) => {
    const reply = await send(setup().app, lookupOf(ADMIN, typeof id === 'function' ? id() : id));
    expect(reply.type).toBe(4);
    expect(reply.data?.flags).toBe(64);
    const e = embedOf(reply);
    expect(e.title).toBe('Alice Chen');
    expect(e.description).toContain(unifiedId);
    expect(e.description).toContain('KYC 🟢 verified');
    expect(e.description).toContain('risk 🟡 low-medium (30)');
    expect(e.color).toBe(0xf1c40f);
    expect(field(e, 'Membership')).toBe('gold');
    expect(reply.data!.embeds!.map((x) => x.title)).toEqual(['Alice Chen', 'Compliance', 'Wallets (2)', 'AssetPro', 'Recent transactions (2)', 'Purchases 🐢', 'Recent device']);
    expect(field(embedTitled(reply, 'AssetPro'), 'Transactions')).toBe('2');
    expect(field(embedTitled(reply, 'AssetPro'), 'Value')).toBe('1,120.50 USDT');
    expect(field(embedTitled(reply, 'AssetPro'), 'By token')).toBe('ETH: 1,000.00 USDT (1)\nUSDT: 120.50 USDT (1)');
    expect(field(embedTitled(reply, 'Compliance'), 'Form numbers')).toBe('F-0001');
    expect(embedTitled(reply, 'Wallets (2)').description).toContain(`[${evm}](https://etherscan.io/address/${evm})`);
    expect(footerOf(reply)).toContain('🐢 Purchases are refreshed daily');
    const ids = reply.data!.components!.flatMap((r) => r.components.map((c) => c.custom_id));
    expect(ids).toContain(`u360:section:${unifiedId}:wallets`);
    expect(checkDiscordLimits(reply.data!)).toEqual([]);
  });

  it('masks personal data for a viewer everywhere and audits without the identifier', async () => {
    const before = (await audits()).length;
    const reply = await send(setup().app, lookupOf(VIEWER, 'Alice.Discord@example.com'));
    const json = JSON.stringify(reply);
    for (const secret of ['alice.discord@example.com', 'Alice Chen', '912345678', '912 345 678']) expect(json).not.toContain(secret);
    expect(embedOf(reply).title).toBe('A\\*\\*\\*');
    expect(field(embedOf(reply), 'Identifiers')).toContain('a\\*\\*\\*@example.com');
    expect(footerOf(reply)).toContain('🔒 personal data masked for your role');
    expect(field(embedTitled(reply, 'Compliance'), 'Document ID')).toBe('\\*\\*\\*\\*\\*\\*6789');
    const rows = await audits();
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({ platform: 'discord', callerId: VIEWER, channelId: '700000000000000001', command: 'lookup', identifierType: 'email', identifier: null, unifiedId });
  });

  it('shows personal data to compliance (by guild role) and admins (by config), and audits the identifier', async () => {
    const { app } = setup();
    for (const [user, roles] of [[COMPLIANCE, [GUILD_ROLE]], [ADMIN, []]] as const) {
      const reply = await send(app, lookupOf(user, 'alice.discord@example.com', [...roles]));
      expect(footerOf(reply)).not.toContain('masked');
      expect(field(embedOf(reply), 'Identifiers')).toContain('email: alice.discord@example.com');
      expect((await audits()).at(-1)).toMatchObject({ callerId: user, identifier: 'alice.discord@example.com', unifiedId });
    }
  });

  it('switches sections with buttons, masked for the one who clicks (type 7)', async () => {
    const { app } = setup();
    const wallets = await send(app, button(VIEWER, `u360:section:${unifiedId}:wallets`));
    expect(wallets.type).toBe(7);
    expect(wallets.data?.flags).toBeUndefined();
    expect(embedOf(wallets).description).toContain(`[${evm}](https://etherscan.io/address/${evm})`);
    expect(embedOf(wallets).description).toContain(`[${tron}](https://tronscan.org/#/address/${tron})`);
    expect((await audits()).at(-1)).toMatchObject({ callerId: VIEWER, command: 'lookup:wallets', identifierType: 'unified_id', unifiedId });

    const viewer = await send(app, button(VIEWER, `u360:section:${unifiedId}:compliance`));
    expect(field(embedOf(viewer), 'Document ID')).toBe('\\*\\*\\*\\*\\*\\*6789');
    expect(field(embedOf(viewer), 'KYC tasks')).toBe('T-1 IDV: done');
    const officer = await send(app, button(COMPLIANCE, `u360:section:${unifiedId}:compliance`, [GUILD_ROLE]));
    expect(officer.type).toBe(7);
    expect(field(embedOf(officer), 'Document ID')).toBe('A123456789');

    const res = await app.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, '{}', String(Math.floor(clock().getTime() / 1000))) }, body: '{}' });
    expect(res.status).toBe(400);
  });

  it('defers a slow command (type 5, ephemeral) and PATCHes the original reply through the REST client', async () => {
    const slow: typeof runCommandText = async (text, ctx) => {
      await new Promise((r) => setTimeout(r, 150));
      return runCommandText(text, ctx);
    };
    const payload = lookupOf(ADMIN, 'ext:dc-1001');
    const reply = await send(setup({ run: slow, deferAfterMs: 20 }).app, payload);
    expect(reply).toEqual({ type: 5, data: { flags: 64 } });
    const [patch] = await api.waitFor(`PATCH /api/v10/webhooks/${APP_ID}/${payload.token}/messages/@original`);
    const body = patch!.body as Reply['data'];
    expect(body?.embeds?.[0]?.title).toBe('Alice Chen');
    expect(body?.components?.length).toBeGreaterThan(0);
    expect(patch!.headers.authorization).toBeUndefined();
  });

  it('retries a follow-up that reached Discord before the deferral did', async () => {
    const slow: typeof runCommandText = async (text, ctx) => {
      await new Promise((r) => setTimeout(r, 50));
      return runCommandText(text, ctx);
    };
    api.failNext('PATCH', { status: 404, body: { message: 'Unknown Message', code: 10008 } });
    const payload = lookupOf(ADMIN, 'ext:dc-1001');
    expect((await send(setup({ run: slow, deferAfterMs: 10 }).app, payload)).type).toBe(5);
    const calls = await api.waitFor(`PATCH /api/v10/webhooks/${APP_ID}/${payload.token}/messages/@original`, 2);
    expect((calls[1]!.body as Reply['data'])?.embeds?.[0]?.title).toBe('Alice Chen');
  });

  it('answers a failing command with a short message and no internals', async () => {
    const broken: typeof runCommandText = async () => {
      throw new Error('SQLITE_BUSY at /secret/path.ts:12');
    };
    const reply = await send(setup({ run: broken }).app, command(ADMIN, 'help'));
    expect(reply.type).toBe(4);
    expect(embedOf(reply).title).toBe('Something went wrong');
    expect(JSON.stringify(reply)).not.toContain('SQLITE');
  });

  it('runs metrics, top, help and a usage error through the registry', async () => {
    const { app } = setup();
    const metrics = embedOf(await send(app, command(VIEWER, 'metrics', [{ name: 'range', type: 3, value: '7d' }])));
    expect(field(metrics, 'Transactions')).toBe('2 · 1,120.50 USDT');
    const top = embedOf(await send(app, command(VIEWER, 'top', [{ name: 'n', type: 4, value: 1 }, { name: 'range', type: 3, value: '30d' }])));
    expect(top.description).toBe(`1. \`${unifiedId}\` 1,120.50 USDT (2 tx)`);
    const help = embedOf(await send(app, command(VIEWER, 'help')));
    expect(help.fields?.map((f) => f.name)).toContain('/user360 lookup <identifier>');
    const bad = embedOf(await send(app, command(VIEWER, 'metrics', [{ name: 'range', type: 3, value: 'yesterday-ish' }])));
    expect(bad.title).toBe('That did not work');
    const missing = embedOf(await send(app, lookupOf(VIEWER, 'nobody@example.com')));
    expect(missing.description).toContain('n\\*\\*\\*@example.com');
  });

  it('lets an admin grant a role with user: and as:, which takes effect on the next command', async () => {
    const { app } = setup();
    const newcomer = '900000000000000077';
    const grant = (by: string) => {
      const options = [{ name: 'as', type: 3, value: 'compliance' }, { name: 'user', type: 6, value: newcomer }];
      const base = command(by, 'roles');
      return { ...base, data: { ...base.data, options: [{ name: 'roles', type: 2, options: [{ name: 'grant', type: 1, options }] }] } };
    };
    const denied = await send(app, grant(VIEWER));
    expect(embedOf(denied).title).toBe('Only admins can grant or revoke roles');
    const granted = await send(app, grant(ADMIN));
    expect(embedOf(granted).title).toBe(`<@${newcomer}> is now compliance`);
    const after = await send(app, lookupOf(newcomer, 'alice.discord@example.com'));
    expect(embedOf(after).title).toBe('Alice Chen');
  });

  it('keeps every reply within Discord limits for a customer with 200 wallets', async () => {
    const { app } = setup();
    const card = await send(app, lookupOf(COMPLIANCE, whaleId, [GUILD_ROLE]));
    expect(embedTitled(card, 'Wallets (200)').description).toMatch(/…and 195 more: press \*\*Wallets\*\*$/);
    const replies = [card];
    for (const section of ['card', 'general', 'compliance', 'wallets', 'assetpro', 'transactions', 'purchases', 'device']) {
      replies.push(await send(app, button(COMPLIANCE, `u360:section:${whaleId}:${section}`, [GUILD_ROLE])));
    }
    replies.push(await send(app, command(VIEWER, 'metrics', [{ name: 'range', type: 3, value: 'all' }])));
    replies.push(await send(app, command(VIEWER, 'top', [{ name: 'n', type: 4, value: 50 }])));
    replies.push(await send(app, command(VIEWER, 'help')));
    for (const r of replies) expect(checkDiscordLimits(r.data!), JSON.stringify(r).slice(0, 300)).toEqual([]);
    expect(field(embedOf(replies[3]!), 'KYC tasks')).toMatch(/…and \d+ more: press KYC tasks$/);
    expect(field(embedOf(replies[2]!), 'Tags')).toMatch(/…and \d+ more: press Tags$/);
    // The wallets button opens the first page of the list, whose Next walks the rest (pages.test.ts).
    const wallets = embedOf(replies[4]!);
    expect(wallets.title).toBe('Wally Whale · Wallets (200)');
    expect(wallets.description).toContain('page 1 of 20 · 1–10 of 200');
    expect((wallets.description!.match(/\]\(https:\/\/etherscan\.io\/address\//g) ?? []).length).toBe(10);
    expect(replies[4]!.data!.components!.flatMap((r) => r.components.map((c) => c.custom_id))).toContain(`u360:page:${whaleId}:wallets:2`);
  });

  it('answers autocomplete for ranges and days, and for any other option with no choices instead of a 400', async () => {
    const { app } = setup();
    const auto = (options: unknown[]) => ({ id: `a${++seq}`, type: 4, token: `tok-${seq}`, application_id: APP_ID, channel_id: '700000000000000001', member: { user: { id: VIEWER }, roles: [] }, data: { id: '1', name: 'user360', type: 1, options } });
    const range = await send(app, auto([{ name: 'metrics', type: 1, options: [{ name: 'range', type: 3, value: '3', focused: true }] }]));
    expect(range.type).toBe(8);
    const choices = (range.data as unknown as { choices: { name: string; value: string }[] }).choices;
    expect(choices.map((c) => c.value)).toContain('30d');
    expect(choices.every((c) => c.value.startsWith('3') || c.name.includes('3'))).toBe(true);
    const day = await send(app, auto([{ name: 'digest', type: 2, options: [{ name: 'preview', type: 1, options: [{ name: 'date', type: 3, value: '', focused: true }] }] }]));
    const days = (day.data as unknown as { choices: { name: string; value: string }[] }).choices;
    expect(days[0]).toEqual({ name: '2026-11-21 (today, so far)', value: '2026-11-21' });
    expect(days).toHaveLength(25);
    for (const options of [[{ name: 'lookup', type: 1, options: [{ name: 'identifier', type: 3, value: 'al', focused: true }] }], [], [{ name: 'nope', type: 1 }]]) {
      expect(await send(app, auto(options))).toEqual({ type: 8, data: { choices: [] } });
    }
  });

  it('previews the digest of the day given as date:', async () => {
    const { app } = setup();
    const payload = { ...command(ADMIN, 'digest'), data: { id: '1', name: 'user360', type: 1, options: [{ name: 'digest', type: 2, options: [{ name: 'preview', type: 1, options: [{ name: 'date', type: 3, value: '2026-11-20' }] }] }] } };
    const r = await send(app, payload);
    expect(embedOf(r).title).toContain('2026-11-20');
    expect(embedOf(r).title).not.toContain('so far');
    const future = await send(app, { ...payload, data: { ...payload.data, options: [{ name: 'digest', type: 2, options: [{ name: 'preview', type: 1, options: [{ name: 'date', type: 3, value: '2026-12-01' }] }] }] } });
    expect(JSON.stringify(future.data)).toContain('is in the future');
  });
});
