// The refresh requests a lookup files, served by the chain loop's worker (serveRefreshRequests) through
// the fault proxy: when the node answers 5xx, times out or is stopped, the requests it claimed are put
// back as they were, and once a node answers again each is served exactly once.
import { sql } from 'drizzle-orm';
import { getAddress, parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectChain } from '../../src/onchain/client.ts';
import { requestRefresh } from '../../src/onchain/requests.ts';
import { serveRefreshRequests } from '../../src/onchain/serve-requests.ts';
import { startOnchain } from '../../src/onchain/service.ts';
import { startChain, type TestChain } from '../support/chain.ts';
import { createTestStore, settableClock, testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { evmConfig, quietLog } from '../support/onchain.ts';
import { startRpcProxy, type RpcProxy } from '../support/rpc-proxy.ts';

let node: TestChain;
let proxy: RpcProxy;
beforeAll(async () => {
  node = await startChain({ chainId: 1 });
  proxy = await startRpcProxy(node.url);
});
afterAll(async () => {
  await proxy?.stop();
  await node?.stop();
});

describe('refresh requests when the node fails', () => {
  it('puts the claimed requests back (same place in the queue) on 5xx, a timeout and a stopped node, then serves each once', async () => {
    const store = await createTestStore();
    const T1 = Date.parse('2026-11-20T10:00:00+08:00');
    const now = () => T1 + 60_000;
    // Addresses no customer holds (a `wallet` lookup asks for any address): only the requests read them.
    const wallets = Array.from({ length: 3 }, () => getAddress(randomEvm()));
    const fund = (n: TestChain) => Promise.all(wallets.map((w, i) => n.test.setBalance({ address: w, value: parseUnits(String(i + 1), 18) })));
    await fund(node);
    const cc = await connectChain(evmConfig({ EVM_RPC_URLS: `ethereum=${proxy.url}` }).chains[0]!, { retryCount: 0, timeoutMs: 1500 });
    await requestRefresh(store, wallets.map((address) => ({ chain: 'ethereum', address })), T1);
    const requests = () => store.db.all<{ address: string; requested_at: number }>(sql`SELECT address, requested_at FROM onchain_refresh_requests ORDER BY address`);
    const readings = () => store.db.all<{ address: string; native: string }>(sql`SELECT address, holdings ->> '$.native.balance' AS native FROM onchain_readings ORDER BY address`);
    const filed = await requests();
    expect(filed).toHaveLength(3);

    // 5xx on the reads (the head answers, the multicall and the codes do not).
    proxy.fault({ kind: 'status', status: 503 }, { methods: ['eth_call', 'eth_getCode'] });
    await expect(serveRefreshRequests(store, cc, now)).rejects.toThrow(/503|HTTP request failed/);
    proxy.clear();
    expect(await requests(), 'after a 503').toEqual(filed);

    // A node that takes the request and never answers; meanwhile a lookup asks for one of them again.
    proxy.fault({ kind: 'hang' }, { methods: ['eth_call'] });
    const hung = serveRefreshRequests(store, cc, now);
    await vi.waitFor(() => expect(proxy.pending).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    expect(await store.db.all(sql`SELECT address FROM onchain_refresh_requests WHERE claimed_until IS NULL`), 'claimed while read').toEqual([]);
    await requestRefresh(store, [{ chain: 'ethereum', address: wallets[0]! }], T1 + 30_000);
    await expect(hung).rejects.toThrow(/timed out|took too long/i);
    proxy.clear();
    expect(await requests(), 'after a timeout: each back at the time it was first asked').toEqual(filed);

    // The node is stopped: nothing listens behind the proxy.
    await node.stop();
    await expect(serveRefreshRequests(store, cc, now)).rejects.toThrow();
    expect(await requests(), 'with the node stopped').toEqual(filed);
    expect(await readings()).toEqual([]);

    // A node is back. Two instances serve at once: each request is read by one of them, once.
    node = await startChain({ chainId: 1 });
    await fund(node);
    proxy.retarget(node.url);
    const from = proxy.seen.length;
    const served = await Promise.all([serveRefreshRequests(store, cc, now, 2), serveRefreshRequests(store, cc, now, 2)]);
    expect(served[0]! + served[1]!).toBe(3);
    expect(await requests()).toEqual([]);
    expect(await readings()).toEqual(wallets.map((address, i) => ({ address, native: String(i + 1) })).sort((a, b) => (a.address < b.address ? -1 : 1)));
    const codeReads = proxy.seen.slice(from).filter((s) => !s.fault).flatMap((s) => s.calls).filter((c) => c.method === 'eth_getCode').map((c) => getAddress(c.params![0]));
    expect(codeReads.sort()).toEqual([...wallets].sort());
    expect(await serveRefreshRequests(store, cc, now), 'nothing is left to serve twice').toBe(0);
  }, 60_000);

  it('a request filed while the loop is mid-round is served in the next round, not a poll later', async () => {
    const store = await createTestStore();
    const clock = settableClock(Date.now());
    const address = getAddress(randomEvm());
    await node.test.setBalance({ address, value: parseUnits('4', 18) });
    // A poll of an hour: only the lookup's kick can bring the loop round again within the test.
    const evm = evmConfig({ EVM_RPC_URLS: `ethereum=${proxy.url}`, EVM_POLL_MS: '3600000', EVM_CONFIRMATIONS: '0' });
    // A customer's wallet, so the round reads one after the indexer's step; that read is slow, and the
    // lookup below asks (and kicks) while it is under way: no loop is asleep to be woken.
    await ingest({ store, identity: testConfig().identity, clock }, [identify({ email: `${uniq('m')}@example.com`, wallets: [{ chain: 'ethereum', address: getAddress(randomEvm()) }] })]);
    proxy.fault({ kind: 'delay', ms: 2000 }, { methods: ['eth_getCode'], times: 1 });
    let filed = false;
    const svc = startOnchain({
      store, identity: testConfig().identity, clock, log: quietLog, evm, holder: 'mid-round',
      // After the round's requests were served and the indexer stepped: a lookup asks now, and kicks.
      onStep: () => {
        if (filed) return;
        filed = true;
        void requestRefresh(store, [{ chain: 'ethereum', address }], clock().getTime()).then(() => svc.kick());
      },
    });
    try {
      await vi.waitFor(async () => expect((await store.db.all<{ address: string }>(sql`SELECT address FROM onchain_readings`)).map((r) => r.address)).toContain(address), { timeout: 20_000, interval: 100 });
      expect(proxy.seen.some((s) => s.fault === 'delay')).toBe(true);
    } finally {
      proxy.clear();
      // With an hour's poll, a loop that began its sleep after stop() would hold this for an hour.
      await svc.stop();
    }
  }, 60_000);

  it('requests an instance claimed and then died with are free again once its claim runs out, and are served once', async () => {
    const store = await createTestStore();
    const T1 = Date.parse('2026-11-20T10:00:00+08:00');
    const wallets = Array.from({ length: 2 }, () => getAddress(randomEvm()));
    await Promise.all(wallets.map((w) => node.test.setBalance({ address: w, value: parseUnits('3', 18) })));
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${proxy.url}` }).chains[0]!;
    // The instance that dies: its read is held and never comes back while the other serves.
    const [dying, other] = [await connectChain(config, { retryCount: 0, timeoutMs: 30_000 }), await connectChain(config, { retryCount: 0, timeoutMs: 3000 })];
    await requestRefresh(store, wallets.map((address) => ({ chain: 'ethereum', address })), T1);
    proxy.fault({ kind: 'hang' }, { methods: ['eth_call'], times: 1 });
    const dead = serveRefreshRequests(store, dying, () => T1 + 1000, 1000, 60_000);
    dead.catch(() => undefined);
    await vi.waitFor(() => expect(proxy.pending).toBe(1), { timeout: 10_000, interval: 20 });
    expect(await serveRefreshRequests(store, other, () => T1 + 30_000), 'claimed by the other until T1 + 61 s').toBe(0);
    expect(await serveRefreshRequests(store, other, () => T1 + 62_000), 'its claim ran out').toBe(2);
    const left = () => store.db.all(sql`SELECT address FROM onchain_refresh_requests`);
    expect(await left()).toEqual([]);
    expect(await store.db.all(sql`SELECT address FROM onchain_readings`)).toHaveLength(2);
    // The dead claim's read fails at last: it releases and deletes nothing that is not its own.
    await requestRefresh(store, [{ chain: 'ethereum', address: wallets[0]! }], T1 + 63_000);
    proxy.clear();
    await expect(dead).rejects.toThrow();
    expect(await store.db.all(sql`SELECT address, requested_at, claimed_by FROM onchain_refresh_requests`)).toEqual([{ address: wallets[0], requested_at: T1 + 63_000, claimed_by: null }]);
  }, 60_000);
});
