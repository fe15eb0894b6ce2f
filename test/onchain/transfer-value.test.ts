// §7: an indexed transfer carries its USDT value at its block's price (a feed's answer at that block,
// stable tokens 1:1, no value without either) and says where the price came from, in every place a
// transfer is shown: the wallet answer (model, Slack, Discord, terminal, JSON) and the profile's list.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getAddress, parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallet } from '../../commands/wallet.ts';
import type { CommandContext, WalletView } from '../../commands/types.ts';
import { walletText } from '../../src/cli/onchain-text.ts';
import { walletEmbeds } from '../../src/discord/onchain-embeds.ts';
import { transactionPage } from '../../src/profile/lists.ts';
import { addScreened } from '../../src/onchain/screening.ts';
import { buildProfile } from '../../src/profile/profile.ts';
import { transactionParts } from '../../src/render/lists.ts';
import { walletMessage } from '../../src/slack/onchain-blocks.ts';
import { DEPLOYER, FEED, startChain, TOKEN, type TestChain } from '../support/chain.ts';
import { createTestDb, settableClock, testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { evmConfig, testIndexer } from '../support/onchain.ts';

const at = (local: string) => Date.parse(`${local}+08:00`) / 1000;
const NOW = Date.parse('2026-11-21T12:00:00+08:00');
let chain: TestChain;
beforeAll(async () => {
  chain = await startChain({ chainId: 1, genesis: at('2026-11-20T08:00:00') });
});
afterAll(() => chain?.stop());

describe('the USDT value of indexed transfers', () => {
  it('is the amount at the block\'s feed price (not a later one), 1:1 for a stable, absent without a price, wherever a transfer is shown', async () => {
    const { store, url } = await createTestDb();
    const clock = settableClock(NOW);
    const identity = testConfig().identity;
    const [usdt, weth, abc] = [await chain.deployToken('USDT', 6), await chain.deployToken('WETH', 18), await chain.deployToken('ABC', 18)];
    const feed = await chain.deployFeed(8, 1n);
    for (const [token, d] of [[usdt, 6], [weth, 18], [abc, 18]] as const) await chain.send({ address: token, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('1000', d)] });
    // The feed's answer: 2,500 USDT per WETH, last updated at 09:30.
    await chain.send({ address: feed, abi: FEED.abi, functionName: 'setAnswer', args: [2500_00000000n, BigInt(at('2026-11-20T09:30:00'))] }, at('2026-11-20T09:45:00'));
    const customer = getAddress(randomEvm());
    const email = `${uniq('v')}@example.com`;
    await ingest({ store, identity, clock }, [identify({ email, wallets: [{ chain: 'ethereum', address: customer }] })]);
    const start = await chain.pub.getBlockNumber();
    const env = {
      EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6,ethereum:${weth}:WETH:18,ethereum:${abc}:ABC:18`,
      PRICE_FEEDS: `ethereum:WETH:${feed}`, EVM_START_BLOCK: `ethereum=${start + 1n}`,
    };
    const pay = (token: `0x${string}`, amount: string, d: number, when: string) =>
      chain.send({ address: token, abi: TOKEN.abi, functionName: 'transfer', args: [customer, parseUnits(amount, d)] }, at(when));
    await pay(weth, '2', 18, '2026-11-20T10:00:00');
    await pay(usdt, '5', 6, '2026-11-20T10:01:00');
    await pay(abc, '7', 18, '2026-11-20T10:02:00');
    // The price moves after the transfers: their values stay at their blocks' price.
    await chain.send({ address: feed, abi: FEED.abi, functionName: 'setAnswer', args: [9999_00000000n, 0n] }, at('2026-11-20T11:00:00'));
    // The payer is screened: each transfer is an exposure too, and its alert says the same value.
    await addScreened(store, DEPLOYER, 'test list', 'cli:test', NOW);
    const { catchUp } = await testIndexer(evmConfig(env).chains[0]!, { store, identity, clock });
    await catchUp();

    const feedPrice = { source: 'feed', feed, usdt: 2500, updated_at: '2026-11-20T01:30:00.000Z' };
    const expected = [
      { token: 'ABC', amount: '7', value_usdt: null, price: null },
      { token: 'USDT', amount: '5', value_usdt: 5, price: { source: 'peg', usdt: 1 } },
      { token: 'WETH', amount: '2', value_usdt: 5000, price: feedPrice },
    ];

    // The wallet answer: the model, then each platform's rendering of it.
    const ctx: CommandContext = { store, identity, clock, caller: { platform: 'cli', userId: 'U1', role: 'compliance' } };
    const r = await wallet({ address: customer }, ctx);
    expect(r.kind).toBe('wallet');
    const w = (r as { wallet: WalletView }).wallet;
    expect(w.transfers).toMatchObject(expected.map((e) => ({ ...e, direction: 'in', counterparty: DEPLOYER })));
    const lines = ['2 WETH ≈ 5,000.00 USDT (feed, 2026-11-20 09:30 GMT+8) from', '5 USDT ≈ 5.00 USDT from', '7 ABC (no price) from'];
    const slack = JSON.stringify(walletMessage(w, false));
    const discord = JSON.stringify(walletEmbeds(w, false));
    const text = walletText(w, false, 400);
    for (const l of lines) {
      expect(slack, 'Slack').toContain(l);
      expect(discord, 'Discord').toContain(l);
      expect(text, 'terminal').toContain(l);
    }
    // The terminal's --json is the same model.
    const cli = await promisify(execFile)(process.execPath, [join(process.cwd(), 'bin/user360.js'), 'wallet', customer, '--json', '--as', 'compliance'], {
      env: { ...process.env, ...env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    });
    expect(JSON.parse(cli.stdout).wallet.transfers).toMatchObject(expected);

    // The profile: the card's recent transactions and the paged list, and their line.
    const unifiedId = (await store.db.query.identifiers.findFirst({ where: (t, { eq }) => eq(t.value, email) }))!.customerId;
    const p = (await buildProfile(store, unifiedId, NOW))!;
    expect(p.assetpro.recent_transactions).toMatchObject(expected);
    expect(await transactionPage(store, unifiedId, 0)).toMatchObject(expected);
    expect(p.assetpro.recent_transactions.map((t) => transactionParts(t).head)).toEqual([
      '2026-11-20 10:02 GMT+8 · in 7 ABC (no price) · ethereum · ',
      '2026-11-20 10:01 GMT+8 · in 5 USDT (5.00 USDT) · ethereum · ',
      '2026-11-20 10:00 GMT+8 · in 2 WETH (5,000.00 USDT, feed 2026-11-20 09:30 GMT+8) · ethereum · ',
    ]);
    expect(p.compliance.exposure.map((e) => e.transfer.split(' on ethereum')[0])).toEqual(['Received 7 ABC (no price)', 'Received 5 USDT (5.00 USDT)', 'Received 2 WETH (5,000.00 USDT)']);
    // Volumes sum what has a price: the unpriced transfer counts nothing.
    expect(p.assetpro).toMatchObject({ transaction_count: 3, transaction_value_usdt: 5005 });
  }, 60_000);
});
