// A reorg takes back the wallet rows its orphaned transfers made: a customer known by a wallet pushed on
// one chain gets a row for another chain when the indexer reads a transfer of it there. The row stays
// only while something still backs it (a pushed record naming it there, or a transfer that survived),
// and readings of blocks above the fork go, so the new branch is read even when it is shorter. `find
// networth:` follows every step: a reading stored, replaced by a re-read, and taken away by the reorg.
import { sql } from 'drizzle-orm';
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { find, type FindResult } from '../../commands/find.ts';
import { refreshReadings } from '../../src/onchain/refresh.ts';
import { walletFacts } from '../../src/onchain/wallet-facts.ts';
import { buildProfile } from '../../src/profile/profile.ts';
import { createTestStore, settableClock, testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { evmConfig, testIndexer, useUsdtChain } from '../support/onchain.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
const NOW = at('2026-11-22T12:00:00');
const t = useUsdtChain({ genesis: at('2026-11-19T10:00:00') / 1000 });
const pay = (to: string, amount: string, when: string) => t.pay(to, amount, at(when) / 1000);

describe('a reorg and the wallet rows its transfers made', () => {
  it('removes a row only the orphaned transfers backed (and its reading), keeps rows a pushed record or a surviving transfer backs, and reads the new branch again', async () => {
    const store = await createTestStore();
    const clock = settableClock(NOW);
    const deps = { store, identity: testConfig().identity, clock };
    // Carol, Erin and Frank are known by wallets pushed on base; the indexer follows ethereum. Dave's
    // wallet was pushed on ethereum itself.
    const [carol, erin, frank, dave] = [getAddress(randomEvm()), getAddress(randomEvm()), getAddress(randomEvm()), getAddress(randomEvm())];
    const emails = { carol: `${uniq('c')}@example.com`, erin: `${uniq('e')}@example.com`, frank: `${uniq('f')}@example.com`, dave: `${uniq('d')}@example.com` };
    await ingest(deps, ([['carol', carol, 'base'], ['erin', erin, 'base'], ['frank', frank, 'base'], ['dave', dave, 'ethereum']] as const).map(([who, w, chain]) =>
      identify({ email: emails[who], wallets: [{ chain, address: w }] }, { timestamp: '2026-11-19T12:00:00+08:00' })));
    const start = await t.chain.pub.getBlockNumber();
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${t.chain.url}`, EVM_TOKENS: `ethereum:${t.usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${start + 1n}` }).chains[0]!;
    const { catchUp, indexer, cc } = await testIndexer(config, deps, { confirmations: 1 });
    // Frank and Dave were paid on ethereum before the fork: those transfers survive it.
    await pay(frank, '10', '2026-11-20T09:00:00');
    await pay(dave, '20', '2026-11-20T09:00:01');
    await t.chain.mine(at('2026-11-20T09:00:02') / 1000);
    await catchUp();
    const snap = await t.chain.test.snapshot();

    // The branch that will be orphaned pays all three on ethereum; then the source pushes Erin's
    // wallet on ethereum too, and the head moves on before the wallets are read.
    await pay(carol, '70', '2026-11-20T10:00:00');
    await pay(erin, '5', '2026-11-20T10:00:05');
    await pay(frank, '3', '2026-11-20T10:00:10');
    await t.chain.mine(at('2026-11-20T10:00:11') / 1000);
    await catchUp();
    await ingest(deps, [identify({ email: emails.erin, wallets: [{ chain: 'ethereum', address: erin }] }, { timestamp: '2026-11-21T09:00:00+08:00' })]);
    for (const s of ['12', '13', '14']) await t.chain.mine(at(`2026-11-20T10:00:${s}`) / 1000);
    const readAll = () => refreshReadings(store, cc, () => clock().getTime(), 3_600_000);
    expect(await readAll()).toBe(4);

    const idOf = async (email: string) => (await store.db.query.identifiers.findFirst({ where: (t, { eq }) => eq(t.value, email) }))!.customerId;
    const profileOf = async (email: string) => (await buildProfile(store, await idOf(email), NOW))!;
    // Who `find networth:<f>` names, after checking that every customer's indexed figure is the one
    // their profile shows.
    const networth = async (f: string) => {
      for (const who of Object.keys(emails) as (keyof typeof emails)[]) {
        const [row] = await store.db.all<{ n: number | null }>(sql`SELECT net_worth_micros AS n FROM audience WHERE root_id = ${await idOf(emails[who])}`);
        expect(row!.n === null ? null : row!.n / 1e6, who).toBe((await profileOf(emails[who])).assetpro.net_worth_usdt);
      }
      const r = (await find({ query: `networth:${f}` }, { ...deps, caller: { platform: 'cli', userId: 'test', role: 'admin' } })) as FindResult;
      const byId = new Map(await Promise.all((Object.keys(emails) as (keyof typeof emails)[]).map(async (who) => [await idOf(emails[who]), who] as const)));
      return r.rows.map((x) => byId.get(x.unified_id)).sort();
    };
    const ethRows = () => store.db.all<{ address: string; first_seen_at: number; pushed_first_at: number | null }>(
      sql`SELECT address, first_seen_at, pushed_first_at FROM wallets WHERE chain = 'ethereum' ORDER BY first_seen_at`);
    const readings = async () => Object.fromEntries((await store.db.all<{ address: string; value_micros: number }>(sql`SELECT address, value_micros FROM onchain_readings WHERE chain = 'ethereum'`)).map((r) => [r.address, r.value_micros]));
    const daveRow = { address: dave, first_seen_at: at('2026-11-19T12:00:00'), pushed_first_at: at('2026-11-19T12:00:00') };
    expect(await ethRows()).toEqual([
      daveRow,
      { address: frank, first_seen_at: at('2026-11-20T09:00:00'), pushed_first_at: null },
      { address: carol, first_seen_at: at('2026-11-20T10:00:00'), pushed_first_at: null },
      { address: erin, first_seen_at: at('2026-11-20T10:00:05'), pushed_first_at: at('2026-11-21T09:00:00') },
    ]);
    expect(await readings()).toEqual({ [carol]: 70_000_000, [erin]: 5_000_000, [frank]: 13_000_000, [dave]: 20_000_000 });
    expect(await networth('>=50')).toEqual(['carol']);
    expect(await networth('>10')).toEqual(['carol', 'dave', 'frank']);

    // Erin is paid 60 more; the next round reads her wallet again (a transfer newer than its reading),
    // and the new figure moves her into networth:>=50.
    await pay(erin, '60', '2026-11-20T10:00:15');
    await t.chain.mine(at('2026-11-20T10:00:16') / 1000);
    await catchUp();
    expect(await readAll()).toBe(1);
    expect((await readings())[erin]).toBe(65_000_000);
    expect(await networth('>=50')).toEqual(['carol', 'erin']);
    expect((await profileOf(emails.carol)).wallets.map((w) => w.chain)).toEqual(['base', 'ethereum']);
    expect((await profileOf(emails.carol)).assetpro.net_worth_usdt).toBe(70);

    // The other branch, shorter than the head the readings were taken at: none of those transfers
    // happened; Erin was paid 1 later on.
    const [{ readBlock }] = (await store.db.all<{ readBlock: number }>(sql`SELECT max(block) AS readBlock FROM onchain_readings`)) as [{ readBlock: number }];
    await t.chain.test.revert({ id: snap });
    await pay(erin, '1', '2026-11-22T10:00:00');
    for (const s of ['01', '02', '03', '04']) await t.chain.mine(at(`2026-11-22T10:00:${s}`) / 1000);
    expect(Number(await t.chain.pub.getBlockNumber())).toBeLessThan(readBlock);
    expect(await indexer.step()).toBe('more');

    // Carol's ethereum row had nothing but the orphaned transfer: it goes, with its reading. Erin's is
    // backed by the pushed identify and is first seen at it; Frank's by the transfer before the fork.
    expect(await ethRows()).toEqual([
      daveRow,
      { address: frank, first_seen_at: at('2026-11-20T09:00:00'), pushed_first_at: null },
      { address: erin, first_seen_at: at('2026-11-21T09:00:00'), pushed_first_at: at('2026-11-21T09:00:00') },
    ]);
    const carolNow = await profileOf(emails.carol);
    expect(carolNow.wallets.map((w) => w.chain)).toEqual(['base']);
    expect(carolNow.assetpro.net_worth_usdt).toBeNull();
    expect((await walletFacts(store, carol)).readings).toEqual([]);
    expect((await profileOf(emails.erin)).wallets.find((w) => w.chain === 'ethereum')!.first_seen).toBe('2026-11-21T01:00:00.000Z');
    // Every reading came from a block above the fork: gone, so the next round reads the new branch.
    // Dave had no transfer above the fork, yet his reading went too: he leaves networth: with it.
    expect(await readings()).toEqual({});
    expect(await networth('>=0')).toEqual([]);

    await catchUp();
    await readAll();
    expect(await readings()).toEqual({ [erin]: 1_000_000, [frank]: 10_000_000, [dave]: 20_000_000 });
    expect(await networth('>=10')).toEqual(['dave', 'frank']);
    expect((await profileOf(emails.erin)).assetpro.net_worth_usdt).toBe(1);
    expect((await profileOf(emails.frank)).assetpro.net_worth_usdt).toBe(10);
    expect(await ethRows()).toHaveLength(3);
  }, 60_000);
});
