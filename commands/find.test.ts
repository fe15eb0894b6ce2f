import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestStore, settableClock, testConfig } from '../test/support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../test/support/factories.ts';
import { usdtReading } from '../test/support/onchain.ts';
import { storeReadings } from '../src/onchain/enrich.ts';
import { buildProfile } from '../src/profile/profile.ts';
import { splitCustomer } from '../src/identity/split.ts';
import { sql } from 'drizzle-orm';
import { renderText } from '../src/cli/render.ts';
import { runCommandText } from './index.ts';
import { find, type FindResult } from './find.ts';
import { parseFindQuery } from './find-query.ts';
import type { CommandContext } from './types.ts';

const store = await createTestStore();
const config = testConfig();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: config.identity, clock };
const ctx = (role: CommandContext['caller']['role'] = 'admin'): CommandContext => ({ ...deps, caller: { platform: 'cli', userId: 'U1', role } });
const DAY = 86_400_000;
const ago = (d: number) => new Date(clock().getTime() - d * DAY).toISOString();

// A tag unique to this file run, so every query below sees only these customers.
const T = uniq('t').toLowerCase();
const ext = (n: number) => `${T}-ext-${n}`;
const people = [
  { n: 1, name: 'Alice Chen', email: `alice.${T}@example.com`, phone: '0912 345 001', kyc: 'pending', risk: 80, volume: 500, country: 'TW', seen: 2 },
  { n: 2, name: 'Alicia Wong', email: `alicia.${T}@example.com`, phone: '0912 345 002', kyc: 'verified', risk: 10, volume: 900, country: 'JP', seen: 40 },
  { n: 3, name: 'Bob Lin', email: `bob.${T}@example.com`, phone: '0912 345 003', kyc: 'pending', risk: 100, volume: 500, country: 'TW', seen: 100 },
];

await ingest(deps, people.flatMap((p) => [
  { type: 'identify', id: uniq(), timestamp: ago(120), identifiers: { external_id: ext(p.n), email: p.email, phone: p.phone }, traits: { name: p.name, tags: [T] } },
  { type: 'kyc', id: uniq(), timestamp: ago(p.seen), identifiers: { external_id: ext(p.n) }, status: p.kyc, risk_score: p.risk, form_number: `F-${p.n}` },
  { type: 'event', id: uniq(), timestamp: ago(p.seen), identifiers: { external_id: ext(p.n) }, name: 'session_start', device: { id: `d-${T}-${p.n}`, country: p.country } },
  ...(p.seen < 30 ? [{ type: 'transaction', id: uniq(), timestamp: ago(p.seen), identifiers: { external_id: ext(p.n) }, chain: 'tron', token: 'USDT', amount: String(p.volume), usdt_value: String(p.volume), direction: 'in' }] : []),
  // Volume older than 30 days counts for volume_all only.
  { type: 'transaction', id: uniq(), timestamp: ago(110), identifiers: { external_id: ext(p.n) }, chain: 'ethereum', token: 'USDT', amount: '5000', usdt_value: '5000', direction: 'in' },
]));

async function run(text: string, role: CommandContext['caller']['role'] = 'admin', cursor?: string): Promise<FindResult> {
  const r = await find({ query: text, cursor }, ctx(role));
  expect(r.kind, JSON.stringify(r)).toBe('find');
  return r as FindResult;
}
const names = (r: FindResult) => r.rows.map((x) => x.name);

describe('find words', () => {
  it('matches case-insensitive prefixes of names, emails and phones in any spelling, for callers who may see them', async () => {
    expect(names(await run(`tag:${T} ALI`))).toEqual(['Alice Chen', 'Alicia Wong']);
    expect((await run(`tag:${T} ali`)).total).toBe(2);
    expect(names(await run(`tag:${T} "alice ch"`))).toEqual(['Alice Chen']);
    expect(names(await run(`tag:${T} chen`))).toEqual(['Alice Chen']);
    expect(names(await run(`tag:${T} bob.${T}@exa`))).toEqual(['Bob Lin']);
    for (const spelling of ['+886 912-345-003', '0912345003', '(0912) 345 003', '886912345']) {
      expect((await run(`tag:${T} "${spelling}"`)).rows.map((x) => x.name), spelling).toEqual(spelling === '886912345' ? ['Alice Chen', 'Alicia Wong', 'Bob Lin'] : ['Bob Lin']);
    }
    expect(names(await run(`${T}-EXT-3`))).toEqual(['Bob Lin']);
  });

  it('never matches a viewer’s word against a name, email or phone, says so, and masks the rows', async () => {
    const r = await run(`tag:${T} alice`, 'viewer');
    expect(r.total).toBe(0);
    expect(r.notes.join(' ')).toMatch(/not names, emails or phone numbers/);
    expect((await run(`tag:${T} 0912345003`, 'viewer')).total).toBe(0);
    const byExt = await run(`${T}-ext-1`, 'viewer');
    expect(byExt.rows).toHaveLength(1);
    expect(byExt.rows[0]).toMatchObject({ name: 'A***', email: `a***@example.com`, form_number: 'F-1' });
    expect(byExt.rows[0]!.phone).toBe('+886 9** *** 001');
  });
});

describe('find across merges and splits', () => {
  it('names the unified customer that a word or a tag matches, after a merge and again after a split', async () => {
    const M = uniq('m').toLowerCase();
    const [mia, max] = [`mia.${M}@example.com`, `max.${M}@example.com`];
    const phone = `+8869${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const [miaId, maxId] = (await ingest(deps, [
      identify({ email: mia }, { traits: { name: `Mia ${M}`, tags: [`${M}-a`] } }),
      identify({ email: max, phone }, { traits: { name: `Max ${M}`, tags: [`${M}-b`] } }),
    ])).unifiedIds as [string, string];
    // Each term and label carries its customer's root, whatever moved it (migration 0020's triggers).
    const strays = async () => store.db.all(sql`
      SELECT 'term' AS what, s.customer_id, s.root_id FROM search_terms s JOIN customers c ON c.id = s.customer_id WHERE s.root_id IS NOT c.root_id
      UNION ALL SELECT 'label', l.customer_id, l.root_id FROM labels l JOIN customers c ON c.id = l.customer_id WHERE l.root_id IS NOT c.root_id`);
    const ids = async (q: string) => (await run(q)).rows.map((r) => r.unified_id);
    expect(await ids(`max.${M}`)).toEqual([maxId]);
    expect(await ids(`tag:${M}-b`)).toEqual([maxId]);

    await ingest(deps, [identify({ email: mia, phone })]);
    const root = (await buildProfile(store, miaId, clock().getTime()))!.merged_ids.length ? miaId : maxId;
    const folded = root === miaId ? maxId : miaId;
    // An identifier that arrives later with the folded customer's email is found under the root too.
    await ingest(deps, [identify({ email: folded === miaId ? mia : max, external_id: `${M}-late` }, { traits: { name: `Moe ${M}` } })]);
    expect(await strays(), 'after the merge').toEqual([]);
    for (const q of [`max.${M}`, `mia.${M}`, `${M}`, `${M}-late`, `moe`, `tag:${M}-a`, `tag:${M}-b`, `tag:${M}-a max.${M}`, `mia.${M} max.${M}`]) expect(await ids(q), q).toEqual([root]);

    await store.write((t) => splitCustomer(t, folded, 'ops', clock().getTime()));
    expect(await strays(), 'after the split').toEqual([]);
    const own = (id: string) => (id === miaId ? 'mia' : 'max');
    expect(await ids(`${own(folded)}.${M}`)).toEqual([folded]);
    expect(await ids(`tag:${M}-${own(folded) === 'mia' ? 'a' : 'b'}`)).toEqual([folded]);
    expect((await ids(M)).sort()).toEqual([miaId, maxId].sort());
    expect(await ids(`tag:${M}-a max.${M}`)).toEqual([]);
    expect(await ids(`mia.${M} max.${M}`), 'two words: the customers both match').toEqual([]);
    expect(await ids(`${M}-late`), "a later identifier joins the root's node, which keeps it").toEqual([root]);
  });
});

describe('find filters', () => {
  it('filters on KYC, risk, country, seen, stage and volume windows, sorted by 30-day volume then unified id', async () => {
    expect(names(await run(`tag:${T} kyc:pending`))).toEqual(['Alice Chen', 'Bob Lin']);
    expect(names(await run(`tag:${T} risk:>=high`))).toEqual(['Alice Chen', 'Bob Lin']);
    expect(names(await run(`tag:${T} risk:very_high`))).toEqual(['Bob Lin']);
    expect(names(await run(`tag:${T} country:tw`))).toEqual(['Alice Chen', 'Bob Lin']);
    expect(names(await run(`tag:${T} seen:<7d`))).toEqual(['Alice Chen']);
    expect(names(await run(`tag:${T} seen:>30d`))).toEqual(['Alicia Wong', 'Bob Lin']);
    expect(names(await run(`tag:${T} stage:active`))).toEqual(['Alice Chen']);
    expect(names(await run(`tag:${T} stage:dormant`))).toEqual(['Alicia Wong']);
    expect(names(await run(`tag:${T} stage:churned`))).toEqual(['Bob Lin']);
    const F = uniq('f').toLowerCase();
    await ingest(deps, [{ type: 'identify', id: uniq(), timestamp: ago(3), identifiers: { external_id: `${F}-1` }, traits: { name: 'Nina New', tags: [F] } }]);
    expect(names(await run(`tag:${F} stage:new`))).toEqual(['Nina New']);
    expect((await run(`tag:${F} stage:active`)).total).toBe(0);
    expect(names(await run(`tag:${T} volume:>499`))).toEqual(['Alice Chen']);
    expect(names(await run(`tag:${T} volume_all:>=5500`))).toEqual(['Alice Chen']);
    expect(names(await run(`tag:${T} volume_all:>=5000 volume:<1`))).toEqual(['Alicia Wong', 'Bob Lin'].sort());
    const all = await run(`tag:${T}`);
    expect(all.rows.map((x) => x.volume_30d_usdt)).toEqual([500, 0, 0]);
    expect(all.rows.slice(1).map((x) => x.unified_id)).toEqual(all.rows.slice(1).map((x) => x.unified_id).sort());
  });

  it('answers a malformed filter with one line naming it and its usage, never a stack trace', async () => {
    for (const [text, name] of [['kyc:maybe', 'kyc'], ['risk:>=extreme', 'risk'], ['volume:lots', 'volume'], ['networth:10000', 'networth'], ['networth:>lots', 'networth'], ['seen:7', 'seen'], ['country:Taiwan', 'country'], ['stage:old', 'stage'], ['attr.Bad-Key:x', 'attr.Bad-Key'], ['frob:1', 'frob']] as const) {
      const r = await runCommandText(`find ${text}`, ctx());
      expect(r.kind, text).toBe('usage_error');
      if (r.kind !== 'usage_error') continue;
      expect(r.message, text).toContain(`${name}:`);
      expect(r.message.split('\n'), text).toHaveLength(1);
      expect(renderText(r)).not.toMatch(/\bat .*\.ts:\d+/);
    }
    expect(parseFindQuery(['risk:>=HIGH', 'volume:>10.5']).text).toBe('risk:>=high volume:>10.5');
  });

  it('networth: compares the net worth the profile shows (each reading in cents, summed); nothing priced matches no networth: filter', async () => {
    const N = uniq('n').toLowerCase();
    const w = Array.from({ length: 4 }, () => randomEvm());
    const holder = (k: string, wallets: string[]) => identify({ external_id: `${N}-${k}`, wallets: wallets.map((address) => ({ chain: 'ethereum', address })) }, { traits: { tags: [N] } });
    const ids = (await ingest(deps, [holder('a', [w[0]!, w[1]!]), holder('b', [w[2]!]), holder('c', [w[3]!]), holder('d', [])])).unifiedIds;
    const [a, b] = ids;
    // a: 2.005 twice, shown 2.01 + 2.01 = 4.02 (the raw sum, 4.01, would say otherwise); b: 4.014, shown 4.01;
    // c: a balance without a price; d: no wallet at all.
    await storeReadings(store, [usdtReading(w[0]!, 2_005_000, clock().getTime()), usdtReading(w[1]!, 2_005_000, clock().getTime()), usdtReading(w[2]!, 4_014_000, clock().getTime()), usdtReading(w[3]!, null, clock().getTime())]);
    const shown = await Promise.all(ids.map(async (id) => (await buildProfile(store, id!, clock().getTime()))!.assetpro.net_worth_usdt));
    expect(shown).toEqual([4.02, 4.01, null, null]);
    const found = async (f: string) => (await run(`tag:${N} ${f}`)).rows.map((r) => r.unified_id).sort();
    expect(await found('networth:>4.01')).toEqual([a]);
    expect(await found('networth:>=4.01')).toEqual([a, b].sort());
    expect(await found('networth:<4.02')).toEqual([b]);
    expect(await found('networth:<=4.02')).toEqual([a, b].sort());
    // Below any amount is still "has a net worth": c and d show none, not 0, so they never match.
    expect(await found('networth:<1000000')).toEqual([a, b].sort());
    expect(await found('networth:>=0')).toEqual([a, b].sort());
    // Each row carries the figure the filter compared, the profile's to the cent.
    const rows = (await run(`tag:${N}`)).rows;
    expect(ids.map((id) => rows.find((r) => r.unified_id === id)!.net_worth_usdt)).toEqual(shown);
    expect((await run(`tag:${N} networth:>4.01`)).query).toBe(`tag:${N} networth:>4.01`);

    // The migration's backfill of rows from before the column computes the same figures.
    const worth = () => store.client.execute({ sql: 'SELECT net_worth_micros AS n FROM audience WHERE root_id IN (SELECT value FROM json_each(?)) ORDER BY root_id', args: [JSON.stringify(ids)] });
    const before = (await worth()).rows.map((r) => r.n);
    expect(before.filter((n) => n !== null)).toHaveLength(2);
    // Through the store's write queue: a profile just built is stored in the background (the read
    // model), and a write beside the queue would wait on that connection's lock with the loop blocked.
    await store.writeOne('UPDATE audience SET net_worth_micros = NULL');
    const backfill = readFileSync(new URL('../db/migrations/0017_add_net_worth.sql', import.meta.url), 'utf8').split('--> statement-breakpoint').at(-1)!;
    await store.writeOne(backfill);
    expect((await worth()).rows.map((r) => r.n)).toEqual(before);
  });
});

describe('find pages', () => {
  const M = uniq('m').toLowerCase();
  it('pages ten at a time with signed cursors; a changed cursor, another search’s cursor and a page past the end answer clearly', async () => {
    await ingest(deps, Array.from({ length: 23 }, (_, i) => ({ type: 'identify', id: uniq(), timestamp: ago(1), identifiers: { external_id: `${M}-${i}` }, traits: { tags: [M] } })));
    const p1 = await run(`tag:${M}`);
    expect([p1.total, p1.rows.length, p1.prevCursor]).toEqual([23, 10, null]);
    const p2 = await run(`tag:${M}`, 'admin', p1.nextCursor!);
    const p3 = await run(`tag:${M}`, 'admin', p2.nextCursor!);
    expect([p2.offset, p3.offset, p3.rows.length, p3.nextCursor]).toEqual([10, 20, 3, null]);
    const ids = [...p1.rows, ...p2.rows, ...p3.rows].map((r) => r.unified_id);
    expect(new Set(ids).size).toBe(23);
    expect((await run(`tag:${M}`, 'admin', p3.prevCursor!)).rows).toEqual(p2.rows);

    const [payload, mac] = p1.nextCursor!.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), o: 30 })).toString('base64url')}.${mac}`;
    for (const bad of [forged, `${payload}.${mac!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, 'garbage', p1.nextCursor!]) {
      const text = bad === p1.nextCursor ? `tag:${M} kyc:pending` : `tag:${M}`;
      const r = await find({ query: text, cursor: bad }, ctx());
      expect(r, bad).toMatchObject({ kind: 'usage_error' });
      expect(r.kind === 'usage_error' && r.message).toMatch(/does not belong to this search or was changed/);
    }
    // A viewer cannot reuse an admin's cursor: the role is part of what it is bound to.
    expect((await find({ query: `tag:${M}`, cursor: p1.nextCursor! }, ctx('viewer'))).kind).toBe('usage_error');

    // The data shrinks under a cursor: the page is past the end, and says how many there are now.
    const N = uniq('n').toLowerCase();
    await ingest(deps, Array.from({ length: 11 }, (_, i) => ({ type: 'identify', id: uniq(), timestamp: ago(1), identifiers: { external_id: `${N}-${i}` }, traits: { tags: [N] } })));
    const q = `tag:${N} kyc:unverified`;
    const first = await run(q);
    expect([first.total, first.nextCursor !== null]).toEqual([11, true]);
    await ingest(deps, [{ type: 'kyc', id: uniq(), timestamp: ago(0), identifiers: { external_id: first.rows[0]!.external_id! }, status: 'pending' }]);
    const late = await find({ query: q, cursor: first.nextCursor! }, ctx());
    expect(late).toMatchObject({ kind: 'usage_error', message: 'That page is past the end: this search has 10 customer(s), 1 page(s) of 10.' });
  });
});
