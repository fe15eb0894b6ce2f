import { sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.ts';

/** Adds (sign 1) or removes (sign -1) one day's per-customer volume to the totals of their current roots. */
export async function applyDayToTotals(tx: Tx, day: string, sign: 1 | -1): Promise<void> {
  await tx.run(sql`
    INSERT INTO root_volume (root_id, count, micros)
    SELECT c.root_id, ${sign} * sum(v.count), ${sign} * sum(v.micros)
    FROM daily_customer_volume v JOIN customers c ON c.id = v.customer_id WHERE v.day = ${day} GROUP BY c.root_id
    ON CONFLICT (root_id) DO UPDATE SET count = root_volume.count + excluded.count, micros = root_volume.micros + excluded.micros`);
}

/** A merge folds one unified customer's totals into the other's. */
export async function mergeTotals(tx: Tx, keep: string, fold: string): Promise<void> {
  await tx.run(sql`
    INSERT INTO root_volume (root_id, count, micros) SELECT ${keep}, count, micros FROM root_volume WHERE root_id = ${fold}
    ON CONFLICT (root_id) DO UPDATE SET count = root_volume.count + excluded.count, micros = root_volume.micros + excluded.micros`);
  await tx.run(sql`DELETE FROM root_volume WHERE root_id = ${fold}`);
}

/** After a split the two unified customers' totals are summed again from the counted days. */
export async function recountTotals(tx: Tx, roots: string[]): Promise<void> {
  const ids = sql.join(roots.map((r) => sql`${r}`), sql`, `);
  await tx.run(sql`DELETE FROM root_volume WHERE root_id IN (${ids})`);
  await tx.run(sql`
    INSERT INTO root_volume (root_id, count, micros)
    SELECT c.root_id, sum(v.count), sum(v.micros) FROM daily_customer_volume v
    JOIN daily_rollups r ON r.day = v.day AND r.in_totals = 1
    JOIN customers c ON c.id = v.customer_id WHERE c.root_id IN (${ids}) GROUP BY c.root_id`);
}

type Volume = { count: number; micros: number };

/**
 * The exact top `n` of totals − `stale` + `live` without reading every total: a threshold algorithm
 * over the totals (by index, largest first) and the live volumes (largest first). It stops once the
 * n-th best exact score beats anything an unseen customer could still reach.
 */
export async function topWithTotals(db: Queryable, n: number, live: Map<string, Volume>, stale: Map<string, Volume>) {
  const exact = new Map<string, Volume>();
  const liveSorted = [...live.entries()].sort((a, b) => b[1].micros - a[1].micros);
  const page = Math.max(50, n * 2);
  const settle = (id: string, total: Volume | undefined) => {
    const l = live.get(id) ?? { count: 0, micros: 0 };
    const s = stale.get(id) ?? { count: 0, micros: 0 };
    exact.set(id, { count: (total?.count ?? 0) - s.count + l.count, micros: (total?.micros ?? 0) - s.micros + l.micros });
  };
  let offset = 0;
  let li = 0;
  for (;;) {
    const rows = await db.all<{ root_id: string; count: number; micros: number }>(
      sql`SELECT root_id, count, micros FROM root_volume ORDER BY micros DESC LIMIT ${page} OFFSET ${offset}`,
    );
    offset += rows.length;
    for (const r of rows) if (!exact.has(r.root_id)) settle(r.root_id, { count: Number(r.count), micros: Number(r.micros) });
    const fromLive = liveSorted.slice(li, li + page).map(([id]) => id).filter((id) => !exact.has(id));
    li += page;
    if (fromLive.length) {
      const totals = await db.all<{ root_id: string; count: number; micros: number }>(
        sql`SELECT root_id, count, micros FROM root_volume WHERE root_id IN (${sql.join(fromLive.map((id) => sql`${id}`), sql`, `)})`,
      );
      const byId = new Map(totals.map((t) => [t.root_id, { count: Number(t.count), micros: Number(t.micros) }]));
      for (const id of fromLive) settle(id, byId.get(id));
    }
    const totalsLeft = rows.length === page ? Number(rows.at(-1)!.micros) : 0;
    const liveLeft = liveSorted[li]?.[1].micros ?? 0;
    const best = [...exact.values()].map((v) => v.micros).sort((a, b) => b - a);
    const exhausted = rows.length < page && li >= liveSorted.length;
    if (exhausted || (best.length >= n && best[n - 1]! >= totalsLeft + liveLeft)) break;
  }
  return [...exact.entries()]
    .filter(([, v]) => v.count > 0)
    .sort((x, y) => y[1].micros - x[1].micros || x[0].localeCompare(y[0]))
    .slice(0, n);
}
