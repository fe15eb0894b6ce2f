import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seededRandom } from '../src/seed/random.ts';
import { createTestStore } from './support/db.ts';

/**
 * `source_volume` (migration 0021) is kept by triggers on `root_volume` and `audience`. Whatever the
 * order of writes to the two tables, it must equal `root_volume` summed by each unified customer's
 * current first-touch source. The code's own flows (merges, splits, rollups) are covered through
 * `metrics` in top-customers.test.ts; this drives each trigger directly, in random orders, including
 * an audience row dropped while its customer still has volume, which those flows never do today.
 */
describe('source_volume', () => {
  it('equals root_volume by current source after random writes to both tables', async () => {
    const store = await createTestStore();
    const rnd = seededRandom(21);
    const scopes = ['all', 'w29', 'w6'];
    const roots = Array.from({ length: 12 }, (_, i) => `sv-root-${i}`);
    const sources = [null, 'google', 'twitter', 'podcast'];
    const run = (q: ReturnType<typeof sql>) => store.write(async (tx) => void (await tx.run(q)));
    for (const s of scopes) await run(sql`INSERT INTO volume_scopes (scope, first_day, last_day) VALUES (${s}, '2026-11-01', '2026-11-24') ON CONFLICT DO NOTHING`);
    const expected = async () =>
      store.db.all<{ scope: string; source: string; count: number; micros: number }>(sql`
        SELECT rv.scope AS scope, coalesce(a.acquisition_source, '') AS source, sum(rv.count) AS count, sum(rv.micros) AS micros
        FROM root_volume rv LEFT JOIN audience a ON a.root_id = rv.root_id WHERE rv.root_id LIKE 'sv-root-%' GROUP BY 1, 2 HAVING sum(rv.count) <> 0 ORDER BY 1, 2`);
    // Only this test's roots are in these tables, so source_volume holds their sums alone.
    const kept = async () =>
      store.db.all<{ scope: string; source: string; count: number; micros: number }>(sql`SELECT scope, source, count, micros FROM source_volume WHERE count <> 0 ORDER BY 1, 2`);
    const seen = new Set<string>();
    for (let step = 0; step < 400; step++) {
      const root = rnd.pick(roots);
      const scope = rnd.pick(scopes);
      const op = rnd.int(0, 5);
      if (op <= 1) {
        // Adds volume (insert or upsert-update of the row), as the nightly rollup and merges do.
        const n = rnd.int(1, 5);
        await run(sql`INSERT INTO root_volume (scope, root_id, count, micros) VALUES (${scope}, ${root}, ${n}, ${n * rnd.int(1, 1000) * 1_000_000})
          ON CONFLICT (scope, root_id) DO UPDATE SET count = count + excluded.count, micros = micros + excluded.micros`);
      } else if (op === 2) {
        await run(sql`DELETE FROM root_volume WHERE scope = ${scope} AND root_id = ${root}`);
      } else if (op === 3) {
        // Writes the audience row as refreshAudience does (an upsert), with a source or none.
        await run(sql`INSERT INTO audience (root_id, kyc_status, first_seen_at, last_activity_at, acquisition_source) VALUES (${root}, 'unverified', 0, 0, ${rnd.pick(sources)})
          ON CONFLICT (root_id) DO UPDATE SET acquisition_source = excluded.acquisition_source, kyc_status = excluded.kyc_status`);
      } else if (op === 4) {
        await run(sql`DELETE FROM audience WHERE root_id = ${root}`);
      } else {
        // Moves the audience row to another root id: the old root loses its source, the new one gains it.
        const other = rnd.pick(roots);
        if (other !== root) await run(sql`UPDATE OR IGNORE audience SET root_id = ${other} WHERE root_id = ${root}`);
      }
      seen.add(String(op));
      expect(await kept(), `after step ${step} (op ${op} on ${root}, ${scope})`).toEqual(await expected());
    }
    // Every kind of write happened, and volume ended up under more than one source.
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(new Set((await kept()).map((r) => r.source)).size).toBeGreaterThan(1);
  }, 60_000);
});
