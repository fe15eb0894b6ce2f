// Text from outside is data, never markup (issue 11 item 7, issue 16 item 15): a customer's name, tags,
// KYC reason, task names, form number, device model and a transaction's token, all hostile, go through
// every renderer and every send path on both platforms, and nothing in them can mention, link, format
// or quote; every Discord message the bot sends carries allowed_mentions with nothing to parse (the
// fake Discord API refuses one without it).
import { beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { digest } from '../commands/digest.ts';
import { lookup } from '../commands/lookup.ts';
import type { CommandContext, CommandResult } from '../commands/types.ts';
import { grantRole } from '../src/access/roles.ts';
import { fanOutAlerts } from '../src/compliance/alert-fanout.ts';
import { alertDeliveryRenderer } from '../src/compliance/alert-delivery.ts';
import { subscribeAlerts } from '../src/compliance/alert-subscriptions.ts';
import { createApp } from '../src/app.ts';
import { processDueDeliveries } from '../src/delivery/deliveries.ts';
import { deliveryRenderer } from '../src/delivery/render.ts';
import { runDailyDigest } from '../src/digest/job.ts';
import { subscribeDigest } from '../src/digest/subscriptions.ts';
import { renderDiscord } from '../src/discord/embeds.ts';
import { discordRoutes } from '../src/discord/index.ts';
import { createLogger } from '../src/logger.ts';
import { discordNotifier } from '../src/delivery/notifiers/discord.ts';
import { slackNotifier } from '../src/delivery/notifiers/slack.ts';
import { renderSlack } from '../src/slack/blocks.ts';
import { useFakeChatApis } from './fakes/chat-apis.ts';
import { mentionsNobody } from './fakes/discord-api.ts';
import { generateDiscordKeys, signDiscordRequest } from './fakes/discord-sign.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const HOSTILE = ['<@U0PWNED>', '<https://evil.example|USDT>', '*bold*', '[Click](https://evil.example/phish)', '@everyone', '<!here>', '_it_', '~s~', '`code`'];
const NAME = '<@U0PWNED> *bold* _it_ ~s~ `code` @everyone <!here> [Click](https://evil.example/phish)';

const clock = settableClock('2026-11-24T12:00:00+08:00');
const store = await createTestStore();
const config = testConfig({ IDENTIFIER_LIMITS: 'wallet=300' });
const deps = { store, identity: config.identity, clock };
const ext = uniq('hostile-');
const log = createLogger('silent');
const { slack, discord } = await useFakeChatApis();

beforeAll(async () => {
  const at = '2026-11-24T10:00:00+08:00';
  await ingest(deps, [
    { type: 'identify', id: uniq(), timestamp: at, identifiers: { external_id: ext }, traits: { name: NAME, membership_level: '<!channel>', tags: HOSTILE } },
    { type: 'kyc', id: uniq(), timestamp: at, identifiers: { external_id: ext }, status: 'pending', risk_score: 10, form_number: '<@U0PWNED>', tasks: [{ id: 'T-1', name: '[Click](https://evil.example/phish)', status: '*done*' }] },
    { type: 'event', id: uniq(), timestamp: at, identifiers: { external_id: ext }, name: 'session_start', session_id: 's-1', device: { id: 'd-1', model: '<https://evil.example|iPhone>', os: '@everyone', city: '> quoted' } },
    ...['<@U0PWNED>', '<https://evil.example|USDT>', '[X](https://evil.example)'].map((token, i) => ({
      type: 'transaction', id: uniq(), timestamp: at, identifiers: { external_id: ext }, chain: 'tron', token, amount: String(10 + i), usdt_value: String(10 + i), direction: 'in',
    })),
  ]);
});

const admin: CommandContext = { ...deps, caller: { platform: 'cli', userId: 'op', role: 'admin' } };

/** Every mrkdwn text of a Slack message (plain_text never parses markup, so it may hold data as is). */
function mrkdwnTexts(message: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach(walk);
  };
  walk(message);
  const fallback = (message as { text?: unknown }).text;
  return typeof fallback === 'string' ? [fallback, ...out] : out;
}

function expectSlackSafe(message: unknown, what: string) {
  const texts = mrkdwnTexts(message);
  expect(texts.length, what).toBeGreaterThan(0);
  for (const t of texts) {
    for (const bad of ['<@U0PWNED>', '<https://evil', '<HTTPS://EVIL', '<!here>', '<!channel>', '*bold*', '_it_', '~s~', '`code`', '*done*', '@everyone']) expect(t, `${what}: ${t}`).not.toContain(bad);
    expect(t, `${what}: ${t}`).not.toMatch(/^>/m);
  }
  return texts.join('\n').replace(/\u200B/g, '');
}

const blocksOf = (b: unknown) => (typeof b === 'string' ? JSON.parse(b) : b);

/** Every Discord text that renders markdown: descriptions and field values. */
function markdownTexts(embeds: APIEmbed[]): string[] {
  return embeds.flatMap((e) => [e.description ?? '', ...(e.fields ?? []).map((f) => f.value)]).filter(Boolean);
}

function expectDiscordSafe(embeds: APIEmbed[], what: string) {
  const texts = markdownTexts(embeds);
  expect(texts.length, what).toBeGreaterThan(0);
  for (const t of texts) {
    expect(t, `${what}: ${t}`).not.toMatch(/<[@#!:]|<t:|<https?:/i);
    expect(t, `${what}: ${t}`).not.toMatch(/(?<!\\)\[(Click|X)\]/);
    expect(t, `${what}: ${t}`).not.toMatch(/(?<!\\)\*(bold|done)/);
    expect(t, `${what}: ${t}`).not.toMatch(/(?<!\\)_it/);
    expect(t, `${what}: ${t}`).not.toMatch(/@everyone|@here/);
    expect(t, `${what}: ${t}`).not.toMatch(/^>/m);
    // Escaped once, never twice (`u\\_01M8…` showed a backslash).
    expect(t, `${what}: ${t}`).not.toContain('\\\\');
  }
  return texts.join('\n').replace(/\u200B/g, '');
}

describe('hostile text in replies', () => {
  it.each(['card', 'general', 'compliance', 'assetpro', 'device'] as const)('the %s view shows it literally on Slack and Discord', async (section) => {
    const r = await lookup({ identifier: `ext:${ext}`, section }, admin);
    expect(r.kind).toBe('profile');
    const shown = expectSlackSafe(renderSlack(r), `slack ${section}`);
    expectDiscordSafe(renderDiscord(r).embeds, `discord ${section}`);
    if (section === 'general') expect(shown).toContain('&lt;@U0PWNED&gt; *bold* _it_');
  });

  it('the digest preview shows hostile tokens literally, and unified ids escaped once on Discord', async () => {
    const r: CommandResult = await digest({ action: 'preview', day: '2026-11-24' }, admin);
    const slackShown = expectSlackSafe(renderSlack(r), 'slack digest');
    expect(slackShown).toContain('&lt;@U0PWNED&gt;');
    const shown = expectDiscordSafe(renderDiscord(r).embeds, 'discord digest');
    expect(shown).toMatch(/u\\_[0-9A-Z]+/);
  });
});

describe('hostile text in what the bot posts', () => {
  it('keeps the daily digest in a channel free of mentions and links, on both platforms', async () => {
    const now = Date.parse('2026-11-24T23:59:00+08:00');
    await subscribeDigest(store, { platform: 'slack', channelId: 'CDIGEST', by: 'U1', now: now - 3600_000 });
    await subscribeDigest(store, { platform: 'discord', channelId: '901', by: 'U1', now: now - 3600_000 });
    const notifiers = { slack: slackNotifier({ token: 'xoxb-test', apiUrl: slack.url }), discord: discordNotifier({ token: 'bot', apiUrl: discord.url }) };
    const sent = await runDailyDigest({ store, clock: () => new Date(now), log, notifiers, render: deliveryRenderer(store.db, () => new Date(now), alertDeliveryRenderer(store.db, {})) }, now);
    expect(sent, 'the fake Discord API refuses a message without allowed_mentions').toMatchObject({ sent: 2, failed: 0, retrying: 0 });
    const [post] = slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'CDIGEST');
    expectSlackSafe({ text: post!.body.text, blocks: blocksOf(post!.body.blocks) }, 'slack digest post');
    const [msg] = discord.callsTo('POST /api/v10/channels/901/messages');
    expect(mentionsNobody(msg!.body), JSON.stringify(msg!.body)).toBe(true);
    expectDiscordSafe(msg!.body.embeds as APIEmbed[], 'discord digest post');
  });

  it('keeps an alert DM with a hostile name and KYC reason inert, on both platforms', async () => {
    const now = clock().getTime();
    for (const [platform, subject] of [['slack', 'UCOMPH'], ['discord', '910000000000000001']] as const) {
      await grantRole(store.db, { platform, subject, role: 'compliance', grantedBy: 'x', now });
      await subscribeAlerts(store, { platform, target: `user:${subject}`, filter: 'all', minLevel: null, by: subject, now });
    }
    await ingest(deps, [{ type: 'kyc', id: uniq(), timestamp: new Date(now).toISOString(), identifiers: { external_id: ext }, status: 'rejected', risk_score: 100, reason: '[Click to verify](https://evil.example/phish) <@U0PWNED> @everyone *now*' }]);
    const notifiers = { slack: slackNotifier({ token: 'xoxb-test', apiUrl: slack.url }), discord: discordNotifier({ token: 'bot', apiUrl: discord.url }) };
    await fanOutAlerts(store, now);
    const r = await processDueDeliveries({ store, clock, log, notifiers, render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, {})) });
    // The pending KYC of beforeAll made an alert too: both go to both subscribers.
    expect(r).toMatchObject({ sent: 4, failed: 0, retrying: 0 });
    const post = slack.callsTo('chat.postMessage').filter((c) => String(c.body.channel).startsWith('D')).at(-1);
    const slackShown = expectSlackSafe({ text: post!.body.text, blocks: blocksOf(post!.body.blocks) }, 'slack alert');
    expect(slackShown, 'the compliance DM names the customer').toContain('&lt;@U0PWNED&gt; *bold*');
    const dm = discord.callsTo(/^POST \/api\/v10\/channels\/DM910000000000000001\/messages$/).at(-1);
    expect(mentionsNobody(dm!.body), JSON.stringify(dm!.body)).toBe(true);
    const shown = expectDiscordSafe(dm!.body.embeds as APIEmbed[], 'discord alert');
    expect(shown).toContain('\\[Click to verify\\](https://evil.example/phish)');
  });
});

describe('allowed_mentions on every Discord answer', () => {
  const keys = generateDiscordKeys();
  const APP_ID = '555000000000000009';
  const ADMIN = '920000000000000001';
  const app = () => {
    const cfg = testConfig({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: discord.url, DISCORD_ADMINS: ADMIN });
    const slow = async (...args: Parameters<typeof import('../commands/index.ts').runCommandText>) => {
      await new Promise((r) => setTimeout(r, 150));
      return (await import('../commands/index.ts')).runCommandText(...args);
    };
    return {
      fast: createApp({ store, config: cfg, clock, log, mounts: [{ path: '/discord', app: discordRoutes({ store, identity: cfg.identity, clock, log, discord: cfg.discord! }) }] }),
      deferred: createApp({ store, config: cfg, clock, log, mounts: [{ path: '/discord', app: discordRoutes({ store, identity: cfg.identity, clock, log, discord: cfg.discord!, deferAfterMs: 20, run: slow }) }] }),
    };
  };
  let seq = 0;
  const post = async (a: ReturnType<typeof app>['fast'], payload: Record<string, unknown>) => {
    const body = JSON.stringify({ id: `h${++seq}`, token: `tok-h${seq}`, application_id: APP_ID, channel_id: '700000000000000009', member: { user: { id: ADMIN }, roles: [] }, ...payload });
    const res = await a.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(clock().getTime() / 1000))) }, body });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return JSON.parse(text) as { type: number; data?: Record<string, unknown> };
  };
  const cmd = (sub: string, options: unknown[] = []) => ({ type: 2, data: { name: 'user360', options: [{ name: sub, type: 1, options }] } });

  it('on replies, button updates, refusals and deferred follow-ups', async () => {
    const { fast, deferred } = app();
    const replies = [
      await post(fast, cmd('lookup', [{ name: 'identifier', type: 3, value: `ext:${ext}` }])),
      await post(fast, cmd('help')),
      await post(fast, { type: 2, data: { name: 'other' } }),
      await post(fast, { type: 3, data: { custom_id: `u360:section:${(await lookup({ identifier: `ext:${ext}` }, admin) as { profile: { unified_id: string } }).profile.unified_id}:device`, component_type: 2 } }),
      await post(fast, { type: 3, member: { user: { id: '920000000000000002' }, roles: [] }, data: { custom_id: 'u360:ack:1', component_type: 2 } }),
    ];
    for (const r of replies) {
      expect(r.data, JSON.stringify(r)).toBeDefined();
      expect(mentionsNobody(r.data), JSON.stringify(r)).toBe(true);
    }
    expectDiscordSafe((replies[0]!.data!.embeds as APIEmbed[]), 'interaction reply');

    discord.reset();
    const later = await post(deferred, cmd('lookup', [{ name: 'identifier', type: 3, value: `ext:${ext}` }]));
    expect(later.type).toBe(5);
    const [patch] = await discord.waitFor(/^PATCH \/api\/v10\/webhooks\//);
    expect(mentionsNobody(patch!.body), JSON.stringify(patch!.body)).toBe(true);
  });

  it('is enforced by the fake Discord API, so a send path that forgets it fails its test', async () => {
    const res = await fetch(`${discord.url}/v10/channels/1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bot x' }, body: JSON.stringify({ content: '@everyone' }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('allowed_mentions');
  });
});
