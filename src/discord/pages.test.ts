// The profile card's paged lists on Discord (issue 16): u360:page:… buttons through the signed
// interactions endpoint, re-read and re-masked for whoever clicks; recent transactions with explorer
// links only for real hashes; the card saying what the identity guards refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { startFakeDiscordApi, type FakeDiscordApi } from '../../test/fakes/discord-api.ts';
import { generateDiscordKeys, signDiscordRequest } from '../../test/fakes/discord-sign.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { ingest, randomEvm } from '../../test/support/factories.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../logger.ts';
import { checkDiscordLimits } from './embeds.ts';
import { discordRoutes } from './index.ts';

const APP_ID = '555000000000000009';
const ADMIN = '900000000000000009';
const VIEWER = '900000000000000010';
const HASH = `0x${'ef'.repeat(32)}`;
const keys = generateDiscordKeys();
const clock = settableClock('2026-11-21T12:00:00+08:00');
const store = await createTestStore();
let api: FakeDiscordApi;
let app: ReturnType<typeof createApp>;
let uid = '';

beforeAll(async () => {
  api = await startFakeDiscordApi();
  const config = testConfig({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: api.url, DISCORD_ADMINS: ADMIN, IDENTIFIER_LIMITS: 'wallet=60' });
  const log = createLogger('silent');
  app = createApp({ store, config, clock, log, mounts: [{ path: '/discord', app: discordRoutes({ store, identity: config.identity, clock, log, discord: config.discord! }) }] });
  const ids = { external_id: 'dpg-1' };
  const wallets = Array.from({ length: 64 }, () => ({ chain: 'ethereum', address: randomEvm() }));
  const r = await ingest({ store, identity: config.identity, clock }, [
    { type: 'identify', id: 'dpg-i1', timestamp: '2026-11-20T01:00:00+08:00', identifiers: { ...ids, email: 'dpager@example.com', wallets }, traits: { name: 'Dee Pager', tags: ['@everyone', '[x](https://evil.example)'] } },
    { type: 'kyc', id: 'dpg-k1', timestamp: '2026-11-20T02:00:00+08:00', identifiers: ids, status: 'pending', tasks: Array.from({ length: 23 }, (_, i) => ({ id: `T-${i + 1}`, name: `check ${i + 1}`, status: i < 3 ? 'done' : 'open' })) },
    ...Array.from({ length: 3 }, (_, i) => ({
      type: 'transaction', id: `dpg-t${i}`, timestamp: `2026-11-20T1${i}:00:00+08:00`, identifiers: ids, chain: 'ethereum', token: 'USDT', amount: '5', usdt_value: '5', direction: 'in',
      tx_hash: i === 2 ? HASH : i === 1 ? '[x](https://evil.example)' : `0x${'1'.repeat(63)}`,
    })),
  ]);
  uid = r.unifiedIds[0]!;
});
afterAll(() => api.close());

type Reply = { type: number; data?: { flags?: number; embeds?: APIEmbed[]; allowed_mentions?: unknown; components?: Array<{ components: Array<{ custom_id?: string; label?: string }> }> } };
let seq = 0;
async function send(payload: unknown): Promise<Reply> {
  const body = JSON.stringify(payload);
  const res = await app.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(clock().getTime() / 1000))) }, body });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const reply = JSON.parse(text) as Reply;
  expect(checkDiscordLimits(reply.data ?? {}), text.slice(0, 400)).toEqual([]);
  return reply;
}
const click = (customId: string, userId = VIEWER) =>
  send({ id: `b${++seq}`, type: 3, token: `tok-${seq}`, application_id: APP_ID, channel_id: '700000000000000001', member: { user: { id: userId }, roles: [] }, data: { custom_id: customId, component_type: 2 } });
const lookup = (identifier: string, userId = VIEWER) =>
  send({ id: `c${++seq}`, type: 2, token: `tok-${seq}`, application_id: APP_ID, channel_id: '700000000000000001', member: { user: { id: userId }, roles: [] }, data: { id: '1', name: 'user360', type: 1, options: [{ name: 'lookup', type: 1, options: [{ name: 'identifier', type: 3, value: identifier }] }] } });
const ids = (r: Reply) => r.data!.components!.flatMap((row) => row.components.map((c) => c.custom_id!));

describe('the Discord card', () => {
  // Planted: profile-embeds without refusedLine → no sentence on the card.
  it('says what the guards refused, shows recent transactions, and has a button per list', async () => {
    const card = await lookup('ext:dpg-1', ADMIN);
    const first = card.data!.embeds![0]!;
    expect(first.description).toContain('⚠️ Identity guards: 4 more wallets refused by the per-customer limit. Kept for review: `npx user360 conflicts`');
    const tx = card.data!.embeds!.find((e) => e.title === 'Recent transactions (3)')!;
    expect(tx.description!.split('\n')[0]).toBe(`2026-11-20 12:00 GMT+8 · in 5 USDT (5.00 USDT) · ethereum · [0xefefefef…efefef](https://etherscan.io/tx/${HASH})`);
    // A hash of the wrong shape is text (its markdown escaped), never a link.
    expect(tx.description).toContain('tx \\[x\\](https://evil.example)');
    expect(tx.description).toContain(`tx 0x${'1'.repeat(63)}`);
    expect(tx.description).not.toMatch(/[^\\]\]\(https:\/\/evil/);
    expect(card.data!.embeds![0]!.fields!.find((f) => f.name === 'Tags')!.value).toContain('@​everyone'.replace('​', '\u200b'));
    expect(ids(card)).toEqual(expect.arrayContaining([`u360:section:${uid}:transactions`, `u360:page:${uid}:tags:1`, `u360:page:${uid}:tasks:1`, `u360:page:${uid}:identifiers:1`]));
    expect(card.data!.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('Discord page buttons', () => {
  // Planted: the Next custom_id built with `r.page` instead of `r.page + 1` → the walk never leaves page 1
  // (the guard of 20 clicks trips); the tasks field without `paged` → the whole 23 tasks, no pointer.
  it('walk a list page by page (type 7, in place) until Next is gone, every item once', async () => {
    const seen: string[] = [];
    let next: string | undefined = `u360:section:${uid}:wallets`;
    let clicks = 0;
    while (next && clicks++ < 20) {
      const r = await click(next);
      expect(r.type).toBe(7);
      seen.push(...[...r.data!.embeds![0]!.description!.matchAll(/\[(0x[0-9a-fA-F]{40})\]\(https:\/\/etherscan\.io\/address\//g)].map((m) => m[1]!));
      next = ids(r).find((id) => id.endsWith(`:${Number(/page (\d+) of/.exec(r.data!.embeds![0]!.description!)![1]) + 1}`) && id.startsWith('u360:page:'));
      expect(ids(r)).toContain(`u360:section:${uid}:card`);
      for (const id of ids(r)) expect(id.length).toBeLessThanOrEqual(100);
    }
    expect(clicks).toBe(6);
    expect(new Set(seen).size).toBe(60);

    const card = await lookup('ext:dpg-1');
    const compliance = card.data!.embeds!.find((e) => e.title === 'Compliance')!;
    expect(compliance.fields!.find((f) => f.name === 'KYC tasks')!.value).toMatch(/^T-4 check 4: open\n[^]*\n…and \d+ more: press KYC tasks$/);
    const tasks = await click(`u360:page:${uid}:tasks:3`);
    expect(tasks.data!.embeds![0]!.title).toBe('D\\*\\*\\* · KYC tasks (23)');
    expect(tasks.data!.embeds![0]!.description).toContain('page 3 of 3 · 21–23 of 23');
    expect(tasks.data!.embeds![0]!.description).toContain('T-1 check 1: done');
  });

  it('mask the page for a viewer and show it whole to an admin', async () => {
    const viewer = await click(`u360:page:${uid}:identifiers:1`);
    expect(JSON.stringify(viewer)).not.toContain('dpager@');
    expect(viewer.data!.embeds![0]!.footer!.text).toContain('masked');
    const admin = await click(`u360:page:${uid}:identifiers:1`, ADMIN);
    expect(admin.data!.embeds![0]!.description).toContain('email: dpager@example.com');
  });

  // Planted: pageLookup without the parse (any u360:page:… taken as a lookup of its text) → no refusal.
  it.each([`u360:page:${'u_x'}:tags:abc`, 'u360:page:', `u360:page:u_1:wallets:1:extra`, `u360:page:u_1:everything:1`])('answer a tampered custom_id (%s) with an ephemeral refusal', async (customId) => {
    const r = await click(customId);
    expect(r.type).toBe(4);
    expect(r.data!.flags).toBe(64);
    expect(r.data!.embeds![0]!.description).toContain('That page button is not valid');
  });
});
