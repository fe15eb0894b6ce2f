// `/user360 wallet` and the lookup-triggered refresh on a real node: the service's own chain loop
// (startOnchain) runs in this process with a poll so long that only a lookup's request can make it read
// within the test; the Slack and Discord adapters are the real ones behind the real app, signed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
const h = await slackHarness({ now: NOW, routes: { onchain: viaAccess } });

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
  // Answered inside the acknowledgement: from the store, within Slack's 3 seconds, never after a node call.
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
