import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../db/client.ts';
import { topByVolume30 } from '../src/audience/rank.ts';
import { volumes } from '../src/audience/search.ts';
import { computeRollup } from '../src/metrics/rollup.ts';
import { seededRandom } from '../src/seed/random.ts';
import { addDays, gmt8Day } from '../src/time.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { identify, ingest, uniq } from './support/factories.ts';

// topByVolume30 must give exactly the order `find` gets by summing every member's 30-day volume:
// compared here over many member sets, page sizes, ties, zero-volume members, today's transactions
// and merges, on a store whose 29 days before today have their nightly rollups.
const NOW = Date.parse('2026-11-22T12:00:00+08:00');
const TODAY = gmt8Day(NOW);
let store: Store;
let roots: string[];
const rnd = seededRandom(7).next;

beforeAll(async () => {
  store = await createTestStore();
  const deps = { store, identity: testConfig().identity, clock: settableClock(NOW) };
  const emails = Array.from({ length: 60 }, () => `${uniq('r')}@example.com`);
  await ingest(deps, emails.map((email) => identify({ email }, { timestamp: '2026-10-01T10:00:00+08:00' })));
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < 400; i++) {
    const email = emails[Math.floor(rnd() * 50)]!; // the last ten never pay
    // A third today (the live list matters), a few early tomorrow (a record may be up to a day ahead),
    // the rest over 33 days, some before the window.
    const r = rnd();
    const day = r < 0.33 ? TODAY : r < 0.38 ? addDays(TODAY, 1) : addDays(TODAY, -1 - Math.floor(rnd() * 33));
    // Few distinct amounts, so totals tie.
    const usdt = String([1, 2, 5, 10, 25][Math.floor(rnd() * 5)]);
    records.push({ type: 'transaction', id: uniq('t-'), timestamp: `${day}T0${day > TODAY ? 0 : Math.floor(rnd() * 9)}:00:00+08:00`, identifiers: { email }, chain: 'ethereum', token: 'USDT', amount: usdt, usdt_value: usdt, direction: 'in' });
  }
  await ingest(deps, records);
  // Two pairs merge after some of their days were rolled: the window follows merges.
  for (let d = addDays(TODAY, -40); d < addDays(TODAY, -10); d = addDays(d, 1)) await computeRollup(store, d, NOW);
  await ingest(deps, [identify({ email: emails[0], phone: '+886912000001' }), identify({ email: emails[1], phone: '+886912000001' }), identify({ email: emails[2], phone: '+886912000002' }), identify({ email: emails[55], phone: '+886912000002' })]);
  for (let d = addDays(TODAY, -10); d < TODAY; d = addDays(d, 1)) await computeRollup(store, d, NOW);
  roots = (await store.db.all<{ root_id: string }>(sql`SELECT root_id FROM audience`)).map((r) => r.root_id);
});

async function exactOrder(members: string[]) {
  const v = await volumes(store, '30d', NOW, members);
  return members.map((rootId) => ({ rootId, micros: v.get(rootId) ?? 0 })).sort((x, y) => y.micros - x.micros || (x.rootId < y.rootId ? -1 : 1));
}

describe('topByVolume30', () => {
  it('gives the exact find order for any member set and page, with the nightly window and today from the day volumes', async () => {
    let walked = 0;
    for (let trial = 0; trial < 60; trial++) {
      const share = [1, 0.5, 0.2, 0.05][trial % 4]!;
      const members = roots.filter(() => rnd() < share);
      if (!members.length) continue;
      const n = [1, 3, 10, 25, 100][trial % 5]!;
      const want = (await exactOrder(members)).slice(0, n);
      // By default this few members are summed one by one from the rollups.
      expect(await topByVolume30(store.db, members, NOW, n), `trial ${trial}, summed`).toEqual(want);
      // Walked, in small pages, so the walk takes many rounds and stops on its bound, not at the lists' end
      // (or, for a rare set, gives up walking and sums the members).
      const rounds = { firstPage: 2, settleAll: 0 };
      expect(await topByVolume30(store.db, members, NOW, n, rounds), `trial ${trial}: ${members.length} members, n ${n}, walked`).toEqual(want);
      walked++;
    }
    expect(walked).toBeGreaterThan(30);
  });

  it('declines (the caller sums) once a day of the window was touched after its rollup, or before the first nightly run', async () => {
    expect(await topByVolume30(store.db, roots, NOW, 10)).toBeDefined();
    const fresh = await createTestStore();
    expect(await topByVolume30(fresh.db, [], NOW, 10)).toBeUndefined();
    const deps = { store, identity: testConfig().identity, clock: settableClock(NOW) };
    const [someone] = (await store.db.all<{ value: string }>(sql`SELECT value FROM identifiers WHERE type = 'email' LIMIT 1`));
    await ingest(deps, [{ type: 'transaction', id: uniq('late-'), timestamp: `${addDays(TODAY, -3)}T10:00:00+08:00`, identifiers: { email: someone!.value }, chain: 'ethereum', token: 'USDT', amount: '500', usdt_value: '500', direction: 'in' }]);
    expect(await topByVolume30(store.db, roots, NOW, 10)).toBeUndefined();
  });
});

describe('searchPage', () => {
  it('counts and pages a search through the walk the same as summing every match', async () => {
    const { parseQuery } = await import('../commands/find.ts');
    const { searchAudience, searchPage } = await import('../src/audience/search.ts');
    for (const text of ['', 'example', 'volume:>0']) {
      const q = parseQuery(text);
      const all = await searchAudience(store, q, { now: NOW, personal: true });
      for (const upTo of [10, 40]) {
        const page = await searchPage(store, q, { now: NOW, personal: true, upTo, walkFrom: 0 });
        expect(page.total, text).toBe(all.length);
        expect(page.ranked.slice(0, upTo), `${text} up to ${upTo}`).toEqual(all.slice(0, upTo));
      }
    }
  });
});
