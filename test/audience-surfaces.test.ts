// One `find` query through all four doors — Slack (signed requests, the real Bolt App against the fake
// Slack API), Discord (signed interactions), the terminal (the real bin script) and the read API — over
// one database: each must name the same customers in the same order, page 1 and, through each surface's
// own Next, page 2. Once with the stored filters, once with `networth:` over readings stored by
// storeReadings (the function enrichment stores with), where each reading's cents decide.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createApiKey } from '../src/auth/api-keys.ts';
import { discordRoutes } from '../src/discord/index.ts';
import { checkDiscordLimits } from '../src/discord/embeds.ts';
import { createLogger } from '../src/logger.ts';
import { slackRoutes } from '../src/slack/index.ts';
import { checkSlackLimits } from '../src/slack/blocks.ts';
import { useFakeChatApis } from './fakes/chat-apis.ts';
import { generateDiscordKeys, signDiscordRequest } from './fakes/discord-sign.ts';
import { SLACK_BOT } from './fakes/slack-api.ts';
import { blockActionBody, signSlackRequest, slashCommandBody } from './fakes/slack-sign.ts';
import { cliOn } from './support/cli.ts';
import { testConfig } from './support/db.ts';
import { ingest, randomEvm, uniq } from './support/factories.ts';
import { usdtReading } from './support/onchain.ts';
import { storeReadings } from '../src/onchain/enrich.ts';
import { buildProfile } from '../src/profile/profile.ts';

const { store, cli } = await cliOn({ backend: 'file' });
const DAY = 86_400_000;
// The terminal runs on the system clock, so every surface does.
const clock = () => new Date();
const log = createLogger('silent');
const keys = generateDiscordKeys();
const SLACK_ADMIN = 'UADMIN9';
const DISCORD_ADMIN = '900000000000000009';
const APP_ID = '555000000000000009';
const { slack: slackApi, discord: discordApi } = await useFakeChatApis();
let app: ReturnType<typeof createApp>;
let apiKey = '';

const TAG = uniq('s').toLowerCase();
const QUERY = `kyc:pending tag:${TAG} risk:>=medium`;
// 50.005 twice shows 100.02 (in; the raw sum, 100.01, is not above); 100.014 shows 100.01 (out).
const NETWORTH = `tag:${TAG} networth:>100.01`;
const UID = /u_[0-9A-HJKMNP-TV-Z]{26}/g;

beforeAll(async () => {
  const config = testConfig({
    SLACK_SIGNING_SECRET: 'surfaces-secret', SLACK_BOT_TOKEN: SLACK_BOT.token, SLACK_ADMINS: SLACK_ADMIN, SLACK_API_URL: slackApi.url,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discordApi.url, DISCORD_ADMINS: DISCORD_ADMIN,
  });
  const deps = { store, identity: config.identity, clock, log };
  app = createApp({
    ...deps, config,
    mounts: [
      { path: '/slack', app: slackRoutes({ ...deps, slack: config.slack!, retryConfig: { retries: 0 } }) },
      { path: '/discord', app: discordRoutes({ ...deps, discord: config.discord! }) },
    ],
  });
  apiKey = (await createApiKey(store, 'surfaces', Date.now())).key;
  const at = (d: number) => new Date(Date.now() - d * DAY).toISOString();
  // 14 match (two pages), with distinct and tied volumes; the others miss one filter each.
  const people = Array.from({ length: 18 }, (_, i) => ({
    ext: `${TAG}-${i}`, status: i === 14 ? 'verified' : 'pending', risk: i === 15 ? 10 : 50 + i, tag: i === 16 ? 'other' : TAG, volume: i % 5 === 0 ? 0 : 100 * (i % 4) + 1,
    // Net worth: 13 above 100.01 (two pages), the rest at 100.01 or unread.
    worth: i === 11 ? [] : i % 4 === 3 ? [100_014_000] : [50_005_000, 50_005_000],
  }));
  const held = people.map((p) => p.worth.map((m) => [randomEvm(), m] as const));
  await ingest({ ...deps }, people.flatMap((p, i) => [
    { type: 'identify', id: uniq(), timestamp: at(20), identifiers: { external_id: p.ext, email: `${p.ext}@example.com`, wallets: held[i]!.map(([address]) => ({ chain: 'ethereum', address })) }, traits: { name: `Person ${p.ext}`, tags: [p.tag] } },
    { type: 'kyc', id: uniq(), timestamp: at(10), identifiers: { external_id: p.ext }, status: p.status, risk_score: p.risk, form_number: `F-${p.ext}` },
    ...(p.volume ? [{ type: 'transaction', id: uniq(), timestamp: at(3), identifiers: { external_id: p.ext }, chain: 'tron', token: 'USDT', amount: String(p.volume), usdt_value: String(p.volume), direction: 'in' }] : []),
  ]));
  await storeReadings(store, held.flat().map(([address, m]) => usdtReading(address, m, Date.now())));
});

async function viaApi(query: string, cursor?: string): Promise<{ ids: string[]; next: string | null; total: number }> {
  const res = await app.request(`/v1/profiles?q=${encodeURIComponent(query)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${apiKey}` } });
  const json = (await res.json()) as { data: { unified_id: string }[]; next_cursor: string | null; total: number };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return { ids: json.data.map((d) => d.unified_id), next: json.next_cursor, total: json.total };
}

async function viaCli(query: string, cursor?: string): Promise<{ ids: string[]; next: string | null; total: number }> {
  const { stdout, stderr, code } = await cli('find', ...query.split(' '), '--json', ...(cursor ? ['--cursor', cursor] : []));
  expect(code ?? 0, stderr).toBe(0);
  const r = JSON.parse(stdout) as { rows: { unified_id: string }[]; nextCursor: string | null; total: number };
  return { ids: r.rows.map((x) => x.unified_id), next: r.nextCursor, total: r.total };
}

let seq = 0;
const slackPost = (body: string) => app.request('/slack/events', { method: 'POST', headers: { ...signSlackRequest('surfaces-secret', body, Math.floor(Date.now() / 1000)) }, body });
async function viaSlack(query: string): Promise<{ page1: string[]; page2: string[]; total: string }> {
  const res = await slackPost(slashCommandBody({ text: `find ${query}`, user_id: SLACK_ADMIN, channel_id: 'C1', response_url: slackApi.responseUrl(`find-${++seq}`) }));
  const json = (await res.json()) as { blocks: { type: string; text?: { text: string }; elements?: { action_id: string; value: string }[] }[] };
  expect(res.status).toBe(200);
  expect(checkSlackLimits(json as never)).toEqual([]);
  const ids = (m: typeof json) => m.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text.match(UID)![0]);
  const next = json.blocks.find((b) => b.type === 'actions')!.elements!.find((e) => e.action_id.endsWith(':next'))!;
  expect(next.value).not.toContain('u_');
  const responseUrl = slackApi.responseUrl(`find-${++seq}`);
  const click = blockActionBody({
    user: { id: SLACK_ADMIN, username: 'a', team_id: 'T1' }, channel: { id: 'C1', name: 'general' }, response_url: responseUrl,
    container: { type: 'message', message_ts: '1.1', channel_id: 'C1', is_ephemeral: true },
    actions: [{ type: 'button', action_id: next.action_id, block_id: 'user360_find_nav', value: next.value, action_ts: '1.2', text: { type: 'plain_text', text: 'Next' } }],
  });
  expect((await slackPost(click)).status).toBe(200);
  const path = new URL(responseUrl).pathname;
  const deadline = Date.now() + 5000;
  while (!slackApi.callsTo('response_url').some((c) => c.path === path) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const page2 = slackApi.callsTo('response_url').find((c) => c.path === path)!.body as typeof json;
  return { page1: ids(json), page2: ids(page2), total: json.blocks[0]!.text!.text };
}

async function discordSend(payload: unknown) {
  const body = JSON.stringify(payload);
  const res = await app.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(Date.now() / 1000))) }, body });
  const json = (await res.json()) as { data: { embeds: { description: string; footer: { text: string }; title: string }[]; components: { components: { custom_id: string; label: string }[] }[] } };
  expect(res.status, JSON.stringify(json)).toBe(200);
  expect(checkDiscordLimits(json.data as never)).toEqual([]);
  return json.data;
}
async function viaDiscord(query: string): Promise<{ page1: string[]; page2: string[]; title: string }> {
  const member = { user: { id: DISCORD_ADMIN }, roles: [] };
  const first = await discordSend({
    id: `i${++seq}`, type: 2, token: `t${seq}`, application_id: APP_ID, channel_id: '700000000000000001', guild_id: '600000000000000001', member,
    data: { id: '1', name: 'user360', type: 1, options: [{ name: 'find', type: 1, options: [{ name: 'query', type: 3, value: query }] }] },
  });
  const next = first.components.flatMap((r) => r.components).find((b) => b.label === 'Next')!;
  const second = await discordSend({ id: `b${++seq}`, type: 3, token: `t${seq}`, application_id: APP_ID, channel_id: '700000000000000001', member, data: { custom_id: next.custom_id, component_type: 2 }, message: { embeds: first.embeds } });
  const ids = (d: typeof first) => d.embeds[0]!.description.match(UID) ?? [];
  return { page1: ids(first), page2: ids(second), title: first.embeds[0]!.title };
}

describe('find on every surface', () => {
  it('names the same customers in the same order on Slack, Discord, the terminal and the read API, on both pages', async () => {
    await sameOnEverySurface(QUERY, 15);
  }, 60_000);

  it('agrees on networth:, and with the net worth each profile shows', async () => {
    const { ids } = await sameOnEverySurface(NETWORTH, 13);
    const roots = (await store.client.execute({ sql: `SELECT c.root_id AS id FROM labels l JOIN customers c ON c.id = l.customer_id WHERE l.kind = 'tag' AND l.value = ?`, args: [TAG] })).rows.map((r) => String(r.id));
    const shown = await Promise.all(roots.map(async (id) => [id, (await buildProfile(store, id, Date.now()))!.assetpro.net_worth_usdt] as const));
    expect(shown.filter(([, w]) => w !== null && w > 100.01).map(([id]) => id).sort()).toEqual([...ids].sort());
    // The API's rows carry the figure compared, as each profile shows it.
    const res = await app.request(`/v1/profiles?q=${encodeURIComponent(NETWORTH)}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const page = (await res.json()) as { data: { unified_id: string; net_worth_usdt: number | null }[] };
    const byId = new Map(shown);
    expect(page.data.map((d) => d.net_worth_usdt)).toEqual(page.data.map((d) => byId.get(d.unified_id)));
    expect(page.data.every((d) => d.net_worth_usdt === 100.02)).toBe(true);
  }, 60_000);
});

/** Runs `query` on all four surfaces, both pages; returns what the API named. */
async function sameOnEverySurface(query: string, total: number) {
  const api1 = await viaApi(query);
  const api2 = await viaApi(query, api1.next!);
  expect([api1.total, api1.ids.length, api2.ids.length, api2.next]).toEqual([total, 10, total - 10, null]);
  const cli1 = await viaCli(query);
  const cli2 = await viaCli(query, cli1.next!);
  const slack = await viaSlack(query);
  const discord = await viaDiscord(query);
  expect(cli1.ids).toEqual(api1.ids);
  expect(cli2.ids).toEqual(api2.ids);
  expect(slack.page1).toEqual(api1.ids);
  expect(slack.page2).toEqual(api2.ids);
  expect(discord.page1).toEqual(api1.ids);
  expect(discord.page2).toEqual(api2.ids);
  expect(slack.total).toContain(`${total} customer(s)`);
  expect(discord.title).toContain(`${total} customer(s)`);
  return { ids: [...api1.ids, ...api2.ids] };
}
