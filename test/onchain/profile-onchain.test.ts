// Holdings, net worth, exposure and the age of the on-chain part on the Slack card, the Discord embeds
// and the terminal text, from readings stored by the real storeReadings (no node needed: a lookup never
// calls one). A hostile token symbol stands for any text a chain or a future token list could carry.
import { getAddress } from 'viem';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookup } from '../../commands/lookup.ts';
import type { OnchainAccess } from '../../commands/types.ts';
import { createApp } from '../../src/app.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { renderText } from '../../src/cli/render.ts';
import { checkDiscordLimits } from '../../src/discord/embeds.ts';
import { discordRoutes } from '../../src/discord/index.ts';
import { createLogger } from '../../src/logger.ts';
import { storeReadings, type Reading } from '../../src/onchain/enrich.ts';
import { addScreened } from '../../src/onchain/screening.ts';
import { checkSlackLimits } from '../../src/slack/blocks.ts';
import { ADMIN, slackHarness, visible } from '../../src/slack/slack.test-kit.ts';
import { startFakeDiscordApi } from '../fakes/discord-api.ts';
import { generateDiscordKeys, signDiscordRequest } from '../fakes/discord-sign.ts';
import { testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';

const NOW = Date.parse('2026-11-21T10:00:00+08:00');
const HOSTILE = '*B*_<@U777>@everyone`';
const requested: string[] = [];
// Counts what the adapters ask for; chains are "configured" so readings older than a minute are due.
const access: OnchainAccess = { chains: ['ethereum'], staleAfterMs: 60_000, requestRefresh: async (w) => (requested.push(...w.map((x) => x.address)), true) };
const h = await slackHarness({ now: NOW, routes: { onchain: access, ackDeadlineMs: 10_000 } });
const wallets = Array.from({ length: 40 }, () => getAddress(randomEvm()));
const email = `${uniq('p')}@example.com`;
let unifiedId = '';

const reading = (address: `0x${string}`, usdt: number, symbol = 'USDT'): Reading => ({
  chain: 'ethereum', address, kind: 'eoa', block: 1234,
  native: { symbol: 'ETH', address: null, balance: '0.5', value_usdt: null, price: null },
  tokens: [{ symbol, address: '0xdAC17F958D2ee523a2206206994597C13D831ec7', balance: String(usdt), value_usdt: usdt, price: { source: 'peg', usdt: 1 } }],
  valueMicros: usdt * 1e6, blockAt: NOW - 400_000, readAt: NOW - 300_000,
});

beforeAll(async () => {
  const r = await ingest(h.deps, [identify({ email, wallets: wallets.map((address) => ({ chain: 'ethereum', address })) }, { traits: { name: 'Rich Holder' } })]);
  unifiedId = r.unifiedIds[0]!;
  await storeReadings(h.store, wallets.map((w, i) => reading(w as `0x${string}`, 1000 + i, i === 0 ? HOSTILE : 'USDT')));
  const bad = getAddress(randomEvm());
  await addScreened(h.store, bad, 'Mixer', 'cli:test', NOW);
  await ingest(h.deps, [{ type: 'transaction', id: uniq('t'), timestamp: new Date(NOW - 3_600_000).toISOString(), identifiers: { email }, chain: 'ethereum', token: 'USDT', amount: '9', usdt_value: '9', direction: 'in', counterparty: bad }]);
});

const netWorth = wallets.reduce((s, _, i) => s + 1000 + i, 0);
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2 }).format(netWorth);

describe('the on-chain part of a profile', () => {
  it('on the Slack card: net worth, its age, a few wallets, the newest exposure, escaped and within limits; stale readings asked for', async () => {
    const res = await (await h.command(`lookup ${email}`, ADMIN).res).json();
    expect(checkSlackLimits(res)).toEqual([]);
    const text = visible(res);
    expect(text).toContain('*On-chain*');
    expect(text).toContain(`${money} USDT`);
    expect(text).toContain('(5 min ago)');
    expect(text).toContain('a fresh reading was asked for');
    expect(text).toContain('37 more read: press Wallets');
    expect(text).toContain('⛔ Exposure to screened addresses (1)');
    expect(text).toContain('Received 9 USDT (9.00 USDT) on ethereum from screened address');
    // The symbol is shown as typed: no mention, no @everyone, no bold.
    const raw = JSON.stringify(res);
    expect(raw).not.toContain('<@U777>');
    expect(raw).toContain('&lt;@U777&gt;@\u200Beveryone');
    expect(raw).toContain('\u200B*\u200BB\u200B*\u200B');
    expect(requested).toEqual(expect.arrayContaining(wallets));
  });

  // The Wallets button opens the paged list (issue 16): each row carries its wallet's stored reading.
  const fmt = (n: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2 }).format(n);
  const readingsOnPage = (text: string) => wallets.flatMap((w, i) => (text.includes(w) ? [{ w, i }] : [])).map(({ w, i }) => {
    const at = text.indexOf(w);
    return text.slice(at, at + 200).includes(`· eoa · ≈ ${fmt(1000 + i)} USDT`);
  });

  it('on the Slack Wallets view each wallet of the page with its reading, within Slack limits however many wallets', async () => {
    const { responseUrl, res } = h.click('wallets', unifiedId, ADMIN);
    expect((await res).status).toBe(200);
    const m = await h.responded(responseUrl);
    expect(checkSlackLimits(m as never)).toEqual([]);
    const text = visible(m);
    expect(readingsOnPage(text)).toEqual(Array(10).fill(true));
    expect(text).toContain('page 1 of 4');
  });

  it('on Discord: an On-chain embed after AssetPro, escaped, within limits, the footer on the last embed', async () => {
    const keys = generateDiscordKeys();
    const api = await startFakeDiscordApi();
    try {
      const config = testConfig({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: '555000000000000007', DISCORD_API_URL: api.url, DISCORD_ADMINS: '900000000000000001' });
      const log = createLogger('silent');
      const app = createApp({ store: h.store, config, clock: h.clock, log, mounts: [{ path: '/discord', app: discordRoutes({ store: h.store, identity: config.identity, clock: h.clock, log, discord: config.discord!, onchain: access }) }] });
      for (const view of ['card', 'wallets'] as const) {
        const payload = view === 'card'
          ? { id: uniq('i'), type: 2, token: uniq('t'), member: { user: { id: '900000000000000001' }, roles: [] }, data: { name: 'user360', options: [{ name: 'lookup', type: 1, options: [{ name: 'identifier', type: 3, value: email }] }] } }
          : { id: uniq('b'), type: 3, token: uniq('t'), member: { user: { id: '900000000000000001' }, roles: [] }, data: { custom_id: `u360:section:${unifiedId}:wallets`, component_type: 2 } };
        const body = JSON.stringify(payload);
        const res = await app.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(NOW / 1000))) }, body });
        const reply = (await res.json()) as { data: { embeds: Array<{ title: string; footer?: { text: string } }> } };
        expect(checkDiscordLimits(reply.data)).toEqual([]);
        const titles = reply.data.embeds.map((e) => e.title);
        if (view === 'card') expect(titles.indexOf('On-chain')).toBe(titles.indexOf('AssetPro') + 1);
        else expect(readingsOnPage(JSON.stringify(reply.data.embeds).replaceAll('\\\\', ''))).toEqual(Array(10).fill(true));
        expect(reply.data.embeds.at(-1)!.footer?.text).toContain('Times in GMT+8');
        const raw = JSON.stringify(reply);
        if (view === 'card') expect(raw).toContain(`${money} USDT`);
        if (view === 'card') expect(raw).toContain('\\\\*B\\\\*\\\\_<\u200B@U777>@\u200Beveryone\\\\`');
        expect(raw).not.toContain('<@U777>');
      }
    } finally {
      await api.close();
    }
  });

  it('over the read API: the JSON profile is answered from the store and its stale wallets are asked for', async () => {
    const app = createApp({ store: h.store, config: h.config, clock: h.clock, log: createLogger('silent'), onchain: access });
    const { key } = await createApiKey(h.store, uniq('k'), NOW);
    requested.length = 0;
    const res = await app.request(`/v1/profiles/${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${key}` } });
    const p = (await res.json()) as { assetpro: { net_worth_usdt: number; onchain_read_at: string } };
    expect(res.status).toBe(200);
    expect(p.assetpro).toMatchObject({ net_worth_usdt: netWorth, onchain_read_at: new Date(NOW - 300_000).toISOString() });
    expect(requested).toHaveLength(wallets.length);
  });

  it('in the terminal text: every reading and every exposure, with the age', async () => {
    const r = await lookup({ identifier: email }, { ...h.deps, caller: { platform: 'cli', userId: 'cli:test', role: 'admin' } });
    const text = renderText(r, { width: 120 });
    expect(text).toContain('On-chain');
    expect(text).toContain(`Net worth`);
    expect(text).toContain(`${money} USDT`);
    expect(text).toContain('5 min ago');
    expect(text).toContain(`ethereum ${wallets[39]!.slice(0, 6)}`);
    expect(text).toContain('1,039 USDT ≈ 1,039.00 USDT');
    expect(text).toContain('Exposure to screened addresses (1)');
    // Without the on-chain part configured nothing is asked for, and the text says the reading is not live.
    expect(text).not.toContain('asked for');
  });
});
