import { getAddress, parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../db/schema/index.ts';
import { grantRole } from '../../src/access/roles.ts';
import { fanOutAlerts } from '../../src/compliance/alert-fanout.ts';
import { alertDeliveryRenderer } from '../../src/compliance/alert-delivery.ts';
import { processDueDeliveries } from '../../src/delivery/deliveries.ts';
import { deliveryRenderer } from '../../src/delivery/render.ts';
import { createLogger } from '../../src/logger.ts';
import { slackNotifier } from '../../src/delivery/notifiers/slack.ts';
import { addScreened } from '../../src/onchain/screening.ts';
import { buildProfile } from '../../src/profile/profile.ts';
import { ADMIN, slackHarness, visible } from '../../src/slack/slack.test-kit.ts';
import { DEPLOYER, startChain, TOKEN, type TestChain } from '../support/chain.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { evmConfig, testIndexer } from '../support/onchain.ts';

const NOW = Date.parse('2026-11-21T10:00:00+08:00');
const h = await slackHarness({ now: NOW });
const COMP = 'UCOMP9';
let chain: TestChain;
let usdt: `0x${string}`;
beforeAll(async () => {
  chain = await startChain({ chainId: 1, genesis: NOW / 1000 - 86_400 });
  usdt = await chain.deployToken('USDT', 6);
  await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('1000', 6)] });
  await grantRole(h.store.db, { platform: 'slack', subject: COMP, role: 'compliance', grantedBy: ADMIN, now: NOW });
});
afterAll(() => chain?.stop());

const deliver = async () => {
  await fanOutAlerts(h.store, h.clock().getTime());
  return processDueDeliveries({
    store: h.store, clock: h.clock, log: createLogger('silent'), random: () => 1, retry: { baseMs: 1000, maxBackoffMs: 60_000, giveUpAfterMs: 3_600_000, leaseMs: 30_000 },
    notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: h.api.url }) },
    render: deliveryRenderer(h.store.db, h.clock, alertDeliveryRenderer(h.store.db, { slack: [ADMIN] })),
  });
};

describe('exposure alerts', () => {
  it('a screened address paying a customer raises one exposure alert, posted to the channel without personal data', async () => {
    const email = `${uniq('x')}@example.com`;
    const wallet = getAddress(randomEvm());
    await ingest(h.deps, [identify({ email, wallets: [{ chain: 'ethereum', address: wallet }] }, { traits: { name: 'Exposed Person' } })]);
    await addScreened(h.store, DEPLOYER.toLowerCase(), 'Test sanctions list', 'cli:test', NOW);
    const sub = visible(await (await h.command('alerts subscribe exposure <#CEXPO|compliance>', COMP).res).json());
    expect(sub).toMatch(/exposure/);

    const paid = await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [wallet, parseUnits('12.5', 6)] });
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${paid.blockNumber}` }).chains[0]!;
    const { catchUp } = await testIndexer(config, h.deps);
    await catchUp();
    // The source system pushes the same transfer, naming the counterparty: still one transaction, one alert.
    const pushed = { type: 'transaction', id: uniq('p'), timestamp: new Date(NOW).toISOString(), identifiers: { email }, chain: 'ethereum', token: 'USDT', amount: '12.5', usdt_value: '12.5', direction: 'in', tx_hash: paid.transactionHash, counterparty: DEPLOYER };
    expect(await ingest(h.deps, [pushed])).toMatchObject({ duplicates: 1, alerts: 0 });
    await catchUp();

    const made = (await h.store.db.select().from(alerts)).filter((a) => a.kind === 'exposure');
    expect(made).toHaveLength(1);
    expect(made[0]!.reason).toContain(`from screened address ${DEPLOYER} (Test sanctions list)`);
    const before = h.api.callsTo('chat.postMessage').length;
    await deliver();
    await deliver();
    const posts = h.api.callsTo('chat.postMessage').slice(before);
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0]);
    expect(text).toContain('Exposure to a screened address');
    expect(text).toContain('CEXPO');
    for (const personal of [email, 'Exposed Person', wallet, wallet.toLowerCase()]) expect(text).not.toContain(personal);
    const p = (await buildProfile(h.store, made[0]!.unifiedId, NOW))!;
    expect(p.compliance.exposure).toEqual([{ transfer: made[0]!.reason, at: made[0]!.at === null ? null : new Date(made[0]!.at).toISOString() }]);
  });

  it('a pushed transaction with a screened counterparty raises the alert too; the reason names the screened side only', async () => {
    const email = `${uniq('y')}@example.com`;
    const bad = getAddress(randomEvm());
    await addScreened(h.store, bad, undefined, 'cli:test', NOW);
    const r = await ingest(h.deps, [{ type: 'transaction', id: uniq('p'), timestamp: new Date(NOW).toISOString(), identifiers: { email }, chain: 'bsc', token: 'USDT', amount: '3', usdt_value: '3', direction: 'out', counterparty: bad.toLowerCase() }]);
    expect(r.alerts).toBe(1);
    const [a] = (await h.store.db.select().from(alerts)).filter((x) => x.kind === 'exposure' && x.reason!.includes(bad));
    expect(a!.reason).toBe(`Sent 3 USDT (3.00 USDT) on bsc to screened address ${bad}`);
  });
});
