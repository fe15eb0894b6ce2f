// Campaign attribution (SPEC §8) through the real app, and Formo's example segment — "high-value
// wallets that engaged with a campaign but did not transact in 30 days" — checked against a
// recomputation straight from the source tables that shares no code with find.
import { describe, expect, it } from 'vitest';
import { runCommandText } from '../../commands/index.ts';
import { lookup } from '../../commands/lookup.ts';
import { renderText } from '../cli/render.ts';
import type { CommandContext } from '../../commands/types.ts';
import { createApp } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { createLogger } from '../logger.ts';
import { gmt8Day } from '../time.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { ingest, uniq } from '../../test/support/factories.ts';
import { segmentNamed } from './segments.ts';
import { segmentMembers } from '../../db/schema/index.ts';
import { eq } from 'drizzle-orm';
import { storeReadings } from '../onchain/enrich.ts';
import { randomEvm } from '../../test/support/factories.ts';
import { usdtReading } from '../../test/support/onchain.ts';

const store = await createTestStore();
const config = testConfig();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: config.identity, clock };
const app = createApp({ store, config, clock, log: createLogger('silent') });
const key = (await createApiKey(store, 'campaigns', clock().getTime())).key;
const get = async (path: string) => {
  const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as Record<string, any>;
};
const ctx: CommandContext = { ...deps, caller: { platform: 'slack', userId: 'U1', channelId: 'C1', role: 'compliance' } };
const DAY = 86_400_000;
const at = (days: number) => new Date(clock().getTime() - days * DAY).toISOString();
const T = uniq('c').toLowerCase();
const tx = (ext: string, usdt: number, days: number) => ({ type: 'transaction', id: uniq(), timestamp: at(days), identifiers: { external_id: ext }, chain: 'tron', token: 'USDT', amount: String(usdt), usdt_value: String(usdt), direction: 'in' });
const touch = (ext: string, days: number, source: string, name = 'bf') => ({ type: 'event', id: uniq(), timestamp: at(days), identifiers: { external_id: ext }, name: 'page_view', campaign: { source, medium: 'cpc', name, referrer: 'https://example.com/?q=<b>x</b>' } });
const who = (n: string) => `${T}-${n}`;

// Who should be in the segment, and why not when not.
await ingest(deps, [
  { type: 'identify', id: uniq(), timestamp: at(200), identifiers: { external_id: who('in'), email: `in.${T}@example.com` } },
  tx(who('in'), 20_000, 100), touch(who('in'), 60, 'Google'), touch(who('in'), 10, 'newsletter', 'dec'),
  { type: 'identify', id: uniq(), timestamp: at(200), identifiers: { external_id: who('recent') } },
  tx(who('recent'), 20_000, 100), touch(who('recent'), 50, 'google'), tx(who('recent'), 5, 3),
  { type: 'identify', id: uniq(), timestamp: at(200), identifiers: { external_id: who('nocampaign') } },
  tx(who('nocampaign'), 20_000, 100),
  { type: 'identify', id: uniq(), timestamp: at(200), identifiers: { external_id: who('small') } },
  tx(who('small'), 9_000, 100), touch(who('small'), 50, 'google'),
  // A zero-value transaction is still a transaction: volume:<=0 would let this one in, txns:0 does not.
  { type: 'identify', id: uniq(), timestamp: at(200), identifiers: { external_id: who('zero') } },
  tx(who('zero'), 20_000, 100), touch(who('zero'), 50, 'google'), tx(who('zero'), 0, 2),
  // Volume on one node, the campaign touch on another; they merge, and the merged customer qualifies.
  { type: 'identify', id: uniq(), timestamp: at(300), identifiers: { external_id: who('merged'), email: `m1.${T}@example.com` } },
  tx(who('merged'), 12_000, 90),
  { type: 'event', id: uniq(), timestamp: at(40), identifiers: { email: `m2.${T}@example.com` }, name: 'page_view', campaign: { source: 'twitter', name: 'launch' } },
  { type: 'identify', id: uniq(), timestamp: at(35), identifiers: { email: [`m1.${T}@example.com`, `m2.${T}@example.com`] } },
]);

/** The example, recomputed from customers, transactions and touches alone (no audience, no search code). */
async function formoByHand(now: number): Promise<string[]> {
  const since = Date.parse(`${gmt8Day(now)}T00:00:00+08:00`) - 29 * DAY;
  const { rows } = await store.client.execute({
    sql: `SELECT r.id FROM customers r WHERE r.id = r.root_id
      AND (SELECT total(t.usdt_micros) FROM transactions t JOIN customers c ON c.id = t.customer_id WHERE c.root_id = r.id) > 10000 * 1e6
      AND EXISTS (SELECT 1 FROM campaign_touches k JOIN customers c ON c.id = k.customer_id WHERE c.root_id = r.id)
      AND NOT EXISTS (SELECT 1 FROM transactions t JOIN customers c ON c.id = t.customer_id WHERE c.root_id = r.id AND t.at >= ?)
      ORDER BY r.id`,
    args: [since],
  });
  return rows.map((x) => String(x.id));
}
const rootOf = async (n: string) => (await get(`/v1/profiles/${encodeURIComponent(`ext:${who(n)}`)}`)).unified_id as string;

describe('campaign attribution', () => {
  it('shows first and last touch across a merge group in the profile JSON and the card', async () => {
    const p = await get(`/v1/profiles/${encodeURIComponent(`ext:${who('in')}`)}`);
    expect(p.campaigns).toMatchObject({ touches: 2, first_touch: { source: 'google', medium: 'cpc', name: 'bf', at: at(60) }, last_touch: { source: 'newsletter', name: 'dec', at: at(10) } });
    const merged = await get(`/v1/profiles/${encodeURIComponent(`ext:${who('merged')}`)}`);
    expect(merged.campaigns.first_touch).toMatchObject({ source: 'twitter', name: 'launch' });
    const general = renderText(await lookup({ identifier: `ext:${who('in')}`, section: 'general' }, ctx), { width: 120 });
    expect(general).toMatch(/First touch\s+google \/ cpc \/ bf · 2026-09-26/);
    expect(general).toMatch(/Last touch\s+newsletter \/ cpc \/ dec · 2026-11-15/);
    const none = await get(`/v1/profiles/${encodeURIComponent(`ext:${who('nocampaign')}`)}`);
    expect(none.campaigns).toEqual({ touches: 0, first_touch: null, last_touch: null });
  });

  it('adds 30-day volume by first-touch source to metrics', async () => {
    const m = await get('/v1/metrics?range=30d');
    const by = Object.fromEntries((m.assetpro.by_acquisition_source as { source: string; value_usdt: number; count: number }[]).map((r) => [r.source, r]));
    // Only the two transactions of the last 30 days count: "recent" (google, 5) and "zero" (google, 0).
    expect(by).toEqual({ google: { source: 'google', count: 2, value_usdt: 5 } });
    const all = await get('/v1/metrics?range=all');
    const byAll = Object.fromEntries((all.assetpro.by_acquisition_source as { source: string; value_usdt: number }[]).map((r) => [r.source, r.value_usdt]));
    expect(byAll).toEqual({ google: 69_005, twitter: 12_000, '(none)': 20_000 });
  });
});

describe("Formo's example segment", () => {
  it('volume_all:>10000 campaign:any txns:0 holds exactly the customers a recomputation over the store finds', async () => {
    const r = await runCommandText('segment create formo volume_all:>10000 campaign:any txns:0', ctx);
    expect(r).toMatchObject({ kind: 'notice', ok: true });
    const seg = (await segmentNamed(store.db, 'formo'))!;
    const members = (await store.db.select().from(segmentMembers).where(eq(segmentMembers.segmentId, seg.id))).map((m) => m.rootId).sort();
    const expected = await formoByHand(clock().getTime());
    expect(expected).toEqual([await rootOf('in'), await rootOf('merged')].sort());
    expect(members).toEqual(expected);
    expect(seg.size).toBe(2);
  });

  // On-chain net worth (SPEC §7), with readings stored by storeReadings, the function enrichment stores
  // with (the Anvil path and reorgs: test/onchain/reorg-wallets.test.ts).
  it('networth:>10000 campaign:any txns:0 holds exactly the customers whose profile shows such a net worth, a touch and no recent transaction', async () => {
    const now = clock().getTime();
    const wallet = (n: string, ...micros: (number | null)[]) => {
      const ws = micros.map((m) => [randomEvm(), m] as const);
      return { record: { type: 'identify', id: uniq(), timestamp: at(30), identifiers: { external_id: who(n), wallets: ws.map(([address]) => ({ chain: 'ethereum', address })) } }, readings: ws.map(([a, m]) => usdtReading(a, m, now)) };
    };
    const held = [
      wallet('in', 15_000e6), wallet('recent', 20_000e6), wallet('nocampaign', 20_000e6), wallet('small', 9_000e6),
      // 5,000.005 twice shows 10,000.02: in. 10,000.004 shows 10,000.00: out (its raw micros are above).
      wallet('rich', 5_000_005_000, 5_000_005_000), wallet('edge', 10_000_004_000), wallet('unpriced', null),
    ];
    await ingest(deps, [...['rich', 'edge', 'unpriced'].map((n) => touch(who(n), 20, 'google')), ...held.map((h) => h.record)]);
    await storeReadings(store, held.flatMap((h) => h.readings));
    // A touch on the older customer, the net worth on a younger one that a later identify merges into it.
    const [j1, j2] = [`j1.${T}@example.com`, `j2.${T}@example.com`];
    const [older] = (await ingest(deps, [{ type: 'event', id: uniq(), timestamp: at(25), identifiers: { email: j1 }, name: 'page_view', campaign: { source: 'ads' } }])).unifiedIds;
    const address = randomEvm();
    await ingest(deps, [{ type: 'identify', id: uniq(), timestamp: at(24), identifiers: { email: j2, wallets: [{ chain: 'ethereum', address }] } }]);
    await storeReadings(store, [usdtReading(address, 10_000_010_000, now)]);
    expect((await ingest(deps, [{ type: 'identify', id: uniq(), timestamp: at(23), identifiers: { email: [j1, j2] } }])).unifiedIds).toEqual([older]);

    const r = await runCommandText('segment create formo-nw networth:>10000 campaign:any txns:0', ctx);
    expect(r).toMatchObject({ kind: 'notice', ok: true });
    const seg = (await segmentNamed(store.db, 'formo-nw'))!;
    const members = (await store.db.select().from(segmentMembers).where(eq(segmentMembers.segmentId, seg.id))).map((m) => m.rootId).sort();
    const expected = await formoNetworthByHand(now);
    expect(expected).toEqual([await rootOf('in'), await rootOf('rich'), older].sort());
    expect(members).toEqual(expected);
  });
});

/** The net-worth form: touches and transactions from the tables, net worth as each profile (the API) shows it. */
async function formoNetworthByHand(now: number): Promise<string[]> {
  const since = Date.parse(`${gmt8Day(now)}T00:00:00+08:00`) - 29 * DAY;
  const { rows } = await store.client.execute({
    sql: `SELECT r.id FROM customers r WHERE r.id = r.root_id
      AND EXISTS (SELECT 1 FROM campaign_touches k JOIN customers c ON c.id = k.customer_id WHERE c.root_id = r.id)
      AND NOT EXISTS (SELECT 1 FROM transactions t JOIN customers c ON c.id = t.customer_id WHERE c.root_id = r.id AND t.at >= ?)`,
    args: [since],
  });
  const out: string[] = [];
  for (const id of rows.map((x) => String(x.id))) {
    const worth = (await get(`/v1/profiles/${id}`)).assetpro.net_worth_usdt as number | null;
    if (worth !== null && worth > 10_000) out.push(id);
  }
  return out.sort();
}
