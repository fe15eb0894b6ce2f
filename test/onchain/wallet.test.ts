// `/user360 wallet` and the lookup-triggered refresh on a real node: the service's own chain loop
// (startOnchain) runs in this process with a poll so long that only a lookup's request can make it read
// within the test; the Slack and Discord adapters are the real ones behind the real app, signed.
import { getAddress, parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { onchainAccess } from '../../commands/context.ts';
import type { OnchainAccess } from '../../commands/types.ts';
import { grantRole } from '../../src/access/roles.ts';
import { createApp } from '../../src/app.ts';
import { discordRoutes } from '../../src/discord/index.ts';
import { checkDiscordLimits } from '../../src/discord/embeds.ts';
import { createLogger } from '../../src/logger.ts';
import { addScreened } from '../../src/onchain/screening.ts';
import { startOnchain, type Onchain } from '../../src/onchain/service.ts';
import { ADMIN, slackHarness, visible } from '../../src/slack/slack.test-kit.ts';
import { checkSlackLimits } from '../../src/slack/blocks.ts';
import { generateDiscordKeys, signDiscordRequest } from '../fakes/discord-sign.ts';
import { startFakeDiscordApi } from '../fakes/discord-api.ts';
import { cliAt } from '../support/cli.ts';
import { DEPLOYER, startChain, TOKEN, type TestChain } from '../support/chain.ts';
import { testConfig, testDbUrl } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { evmConfig } from '../support/onchain.ts';

const NOW = Date.parse('2026-11-21T10:00:00+08:00');
const log = createLogger('silent');
let chain: TestChain;
let usdt: `0x${string}`;
let svc: Onchain | undefined;
let env: Record<string, string>;
// What main.ts gives the adapters: request rows in this store, and a wake-up for this process's loop.
let access: OnchainAccess | undefined;
const viaAccess: OnchainAccess = { chains: ['ethereum'], staleAfterMs: 60_000, requestRefresh: (w) => access!.requestRefresh(w) };
// A deadline no loaded machine misses: the answer is in the acknowledgement, so the old figure it shows
// is the store's (a node call would have shown the new one).
const h = await slackHarness({ now: NOW, routes: { onchain: viaAccess, ackDeadlineMs: 10_000 } });

beforeAll(async () => {
  chain = await startChain({ chainId: 1, genesis: NOW / 1000 - 86_400 });
  usdt = await chain.deployToken('USDT', 6);
  await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('100000', 6)] });
  // Read again on its own only after an hour; a lookup wants readings younger than a minute.
  env = { EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_CONFIRMATIONS: '0', EVM_POLL_MS: '3600000', EVM_REFRESH_MS: '3600000', EVM_STALE_MS: '60000', EVM_START_BLOCK: `ethereum=${await chain.pub.getBlockNumber()}` };
  access = onchainAccess(h.deps, evmConfig(env), () => svc?.kick());
  svc = startOnchain({ store: h.store, identity: h.config.identity, clock: h.clock, log, evm: evmConfig(env), holder: 'wallet-test' });
  await grantRole(h.store.db, { platform: 'slack', subject: 'UCOMP', role: 'compliance', grantedBy: ADMIN, now: NOW });
});
afterAll(async () => {
  await svc?.stop();
  await chain?.stop();
});

const readingOf = async (address: string) => (await h.store.db.query.onchainReadings.findFirst({ where: (t, { eq }) => eq(t.address, address) }))?.valueMicros;
const slackCard = async (text: string, user = 'UCOMP') => {
  const { res } = h.command(text, user);
  const body = (await (await res).json()) as { blocks: unknown[] };
  expect(body.blocks, JSON.stringify(body)).toBeDefined();
  expect(checkSlackLimits(body as never)).toEqual([]);
  return visible(body);
};

describe('lookups answer from the store and ask for stale readings', () => {
  it('shows the old figure and its age at once, then the loop stores the new one without another lookup', async () => {
    const wallet = getAddress(randomEvm());
    const email = `${uniq('h')}@example.com`;
    await ingest(h.deps, [identify({ email, wallets: [{ chain: 'ethereum', address: wallet }] }, { traits: { name: 'Holder Person' } })]);
    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [wallet, parseUnits('100', 6)] });
    svc!.kick();
    await vi.waitFor(async () => expect(await readingOf(wallet)).toBe(100_000_000), { timeout: 20_000, interval: 100 });

    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [wallet, parseUnits('50', 6)] });
    h.clock.advance(120_000);
    const card = await slackCard(`lookup ${email}`);
    expect(card).toContain('100 USDT ≈ 100.00 USDT');
    expect(card).toContain('2 min ago');
    expect(card).toContain('a fresh reading was asked for');
    expect(card).toContain('Net worth');
    // Nobody looks again: the loop was woken and reads the wallet on its own.
    await vi.waitFor(async () => expect(await readingOf(wallet)).toBe(150_000_000), { timeout: 20_000, interval: 100 });
    const again = await slackCard(`lookup ${email}`);
    expect(again).toContain('150 USDT ≈ 150.00 USDT');
    expect(again).toContain('0 s ago');
    expect(again).not.toContain('a fresh reading was asked for');
  });
});

describe('/user360 wallet', () => {
  const keys = generateDiscordKeys();
  const APP_ID = '555000000000000009';
  let discord: { send: (payload: unknown) => Promise<any> };
  let customerWallet: `0x${string}`;
  let email: string;
  beforeAll(async () => {
    const api = await startFakeDiscordApi();
    afterAll(() => api.close());
    const config = testConfig({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: api.url });
    const routes = discordRoutes({ store: h.store, identity: config.identity, clock: h.clock, log, discord: config.discord!, onchain: viaAccess });
    const app = createApp({ store: h.store, config, clock: h.clock, log, mounts: [{ path: '/discord', app: routes }] });
    discord = {
      async send(payload) {
        const body = JSON.stringify(payload);
        const res = await app.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(h.clock().getTime() / 1000))) }, body });
        expect(res.status).toBe(200);
        return res.json();
      },
    };
    // A customer paid by a screened address; the indexer takes the transfer in.
    customerWallet = getAddress(randomEvm());
    email = `${uniq('w')}@example.com`;
    await ingest(h.deps, [identify({ email, wallets: [{ chain: 'ethereum', address: customerWallet }] }, { traits: { name: 'Walter Wallet' } })]);
    await addScreened(h.store, DEPLOYER, 'Test *sanctions* <@U999>', 'cli:test', NOW);
    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [customerWallet, parseUnits('12.5', 6)] });
    svc!.kick();
    await vi.waitFor(async () => expect(await h.store.db.query.chainTransfers.findFirst({ where: (t, { eq }) => eq(t.wallet, customerWallet) })).toBeDefined(), { timeout: 20_000, interval: 100 });
    await vi.waitFor(async () => expect(await readingOf(customerWallet)).toBe(12_500_000), { timeout: 20_000, interval: 100 });
  });

  const walletCommand = (user: string, address: string) => ({
    id: uniq('i'), type: 2, token: uniq('t'), application_id: APP_ID, channel_id: '700000000000000001', guild_id: '600000000000000001',
    member: { user: { id: user }, roles: [] }, data: { id: '1', name: 'user360', type: 1, options: [{ name: 'wallet', type: 1, options: [{ name: 'address', type: 3, value: address }] }] },
  });

  it('on Slack: a customer wallet shows its holdings and the customer, whole for compliance and masked for a viewer', async () => {
    const full = await slackCard(`wallet ${customerWallet.toLowerCase()}`);
    expect(full).toContain(`Wallet ${customerWallet}`);
    expect(full).toContain('Walter Wallet');
    expect(full).toContain('12.5 USDT ≈ 12.50 USDT');
    expect(full).toContain('eoa');
    expect(full).toContain(`← received 12.5 USDT ≈ 12.50 USDT from ${DEPLOYER}`);
    const masked = await slackCard(`wallet ${customerWallet}`, 'UVIEWER');
    expect(masked).toContain('W***');
    expect(masked).not.toContain('Walter');
    expect(masked).toContain('personal data masked');
  });

  it('on Slack: any address, here a screened one no customer holds: the hit, its transfers, and a reading asked for and then stored', async () => {
    expect(await readingOf(DEPLOYER)).toBeUndefined();
    const first = await slackCard(`wallet ${DEPLOYER}`);
    expect(first).toContain('on the screening list: Test *sanctions* &lt;@U999&gt;');
    // The label came from outside: no bold, no mention.
    expect(first).not.toContain('<@U999>');
    expect(first).toContain('&lt;@U999&gt;');
    expect(first).toContain('none: no customer holds this address');
    expect(first).toContain(`→ sent 12.5 USDT ≈ 12.50 USDT to ${customerWallet}`);
    expect(first).toContain('no reading yet on ethereum');
    expect(first).toContain('a fresh reading was asked for');
    await vi.waitFor(async () => expect(await readingOf(DEPLOYER)).not.toBeUndefined(), { timeout: 20_000, interval: 100 });
    const later = await slackCard(`wallet ${DEPLOYER}`);
    expect(later).not.toContain('no reading yet');
    expect(later).toMatch(/USDT ≈ [\d,.]+ USDT/);
  });

  // One letter's case flipped: still mixed case, so a checksum, and now a wrong one.
  const badChecksum = (a: string) => a.replace(/(?<=^0x[0-9]*)[a-fA-F]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

  it('on Slack: a malformed address is one line of usage, and nothing is asked for', async () => {
    const before = await h.store.db.query.onchainRefreshRequests.findMany();
    for (const bad of ['0x1234', badChecksum(customerWallet), 'alice@example.com']) {
      const text = await slackCard(`wallet ${bad}`, 'UVIEWER');
      expect(text).toContain('is not an EVM address');
      expect(text).toContain('wallet &lt;address&gt;');
      expect(text).not.toContain('lookup <identifier>');
      expect(text).not.toContain('alice@example.com');
    }
    // The loop may be serving (deleting) earlier rows meanwhile; none may have been added.
    const known = new Set(before.map((r) => r.address));
    expect((await h.store.db.query.onchainRefreshRequests.findMany()).filter((r) => !known.has(r.address))).toEqual([]);
  });

  it('on Discord: the same answer as an embed, masked for a viewer, mentioning nobody', async () => {
    const reply = await discord.send(walletCommand('900000000000000002', customerWallet));
    expect(reply.type).toBe(4);
    expect(reply.data.flags).toBe(64);
    expect(reply.data.allowed_mentions).toEqual({ parse: [] });
    expect(checkDiscordLimits(reply.data)).toEqual([]);
    const e = reply.data.embeds[0];
    expect(e.title).toBe(`Wallet ${customerWallet}`);
    const text = JSON.stringify(e);
    expect(text).toContain('W\\\\*\\\\*\\\\*');
    expect(text).not.toContain('Walter');
    expect(text).toContain('12.5 USDT ≈ 12.50 USDT');
    const screened = await discord.send(walletCommand('900000000000000002', DEPLOYER));
    expect(screened.data.embeds[0].color).toBe(0xe74c3c);
    expect(JSON.stringify(screened.data.embeds[0])).toContain('Test \\\\*sanctions\\\\* <\u200B@U999>');
  });

  it('in the terminal: --json carries the same model, masked for --as viewer; the request row waits for the service', async () => {
    const fresh = getAddress(randomEvm());
    await chain.test.setBalance({ address: fresh, value: parseUnits('2', 18) });
    const cli = cliAt(testDbUrl(h.store), env);
    const r = await cli('wallet', customerWallet, '--json', '--as', 'viewer');
    expect('code' in r ? r.stderr : '', r.stdout).toBe('');
    const model = JSON.parse(r.stdout);
    expect(model).toMatchObject({ kind: 'wallet', masked: true, wallet: { address: customerWallet, customer: { name: 'W***' }, readings: [{ chain: 'ethereum', tokens: [{ symbol: 'USDT', balance: '12.5' }] }] } });
    expect(r.stdout).not.toContain('Walter');

    const asked = await cli('wallet', fresh);
    expect(asked.stdout).toContain('no reading yet on ethereum');
    expect(await h.store.db.query.onchainRefreshRequests.findMany({ where: (t, { eq }) => eq(t.address, fresh) })).toHaveLength(1);
    // Another process asked; this one's loop serves the row on its next round.
    svc!.kick();
    await vi.waitFor(async () => expect(await readingOf(fresh)).toBeDefined(), { timeout: 20_000, interval: 100 });
    expect(await h.store.db.query.onchainRefreshRequests.findMany({ where: (t, { eq }) => eq(t.address, fresh) })).toEqual([]);
    const text = await cli('wallet', fresh);
    expect(text.stdout).toContain('2 ETH (no price)');

    const bad = await cli('wallet', '0x12');
    expect((bad as { code?: number }).code).toBe(1);
    expect(bad.stderr.trim().split('\n')[0]).toBe('"0x12" is not an EVM address (0x and 40 hex digits; mixed case must be its EIP-55 checksum).');
  }, 120_000);
});
