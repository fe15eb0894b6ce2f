import { eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.ts';
import { customers, dailyCustomerVolume, dailyRollups, rootVolume, volumeScopes } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import { addDays } from '../time.ts';

/** `all` holds every final day; the windows hold the final days before today (with today: 30d and 7d). */
export const SCOPES = [
  { name: 'all', days: Infinity },
  { name: 'w29', days: 29 },
  { name: 'w6', days: 6 },
] as const;
type Scope = (typeof SCOPES)[number];
export type ScopeSpan = { scope: string; firstDay: string; lastDay: string };
type Volume = { count: number; micros: number };

// Names from the drizzle tables (db/sql-names.ts).
const [RV, V, C, R, S] = [sqlNames(rootVolume), sqlNames(dailyCustomerVolume), sqlNames(customers), sqlNames(dailyRollups), sqlNames(volumeScopes)];
const INTO_ROOT_VOLUME = sql`INSERT INTO ${RV.$} (${RV.scope}, ${RV.rootId}, ${RV.count}, ${RV.micros})`;
const ADD_ON_CONFLICT = sql`ON CONFLICT (${RV.scope}, ${RV.rootId}) DO UPDATE SET ${RV.count} = ${RV.$}.${RV.count} + excluded.${RV.count}, ${RV.micros} = ${RV.$}.${RV.micros} + excluded.${RV.micros}`;

/** Adds (sign 1) or removes (sign -1) one day's per-customer volume to a scope, by current root. */
async function applyDay(tx: Tx, scope: string, day: string, sign: 1 | -1): Promise<void> {
  await tx.run(sql`
    ${INTO_ROOT_VOLUME}
    SELECT ${scope}, c.${C.rootId}, ${sign} * sum(v.${V.count}), ${sign} * total(v.${V.micros})
    FROM ${V.$} v JOIN ${C.$} c ON c.${C.id} = v.${V.customerId} WHERE v.${V.day} = ${day} GROUP BY c.${C.rootId}
    ${ADD_ON_CONFLICT}`);
}

async function spanOf(tx: Tx, scope: string): Promise<ScopeSpan | undefined> {
  const [row] = await tx.select().from(volumeScopes).where(eq(volumeScopes.scope, scope));
  return row;
}

async function setSpan(tx: Tx, scope: string, firstDay: string, lastDay: string) {
  await tx.insert(volumeScopes).values({ scope, firstDay, lastDay }).onConflictDoUpdate({ target: volumeScopes.scope, set: { firstDay, lastDay } });
}

/** Before a day's rollup is replaced: its old volume leaves every scope that holds it. */
export async function takeDayOut(tx: Tx, day: string): Promise<void> {
  for (const s of SCOPES) {
    const span = await spanOf(tx, s.name);
    if (span && day >= span.firstDay && day <= span.lastDay) await applyDay(tx, s.name, day, -1);
  }
}

/** A day that became final joins `all`, and slides each window forward (or lands inside it again). */
export async function putDayIn(tx: Tx, day: string): Promise<void> {
  for (const s of SCOPES) await putInScope(tx, s, day);
}

async function putInScope(tx: Tx, s: Scope, day: string) {
  const span = await spanOf(tx, s.name);
  if (s.days === Infinity) {
    await applyDay(tx, s.name, day, 1);
    return setSpan(tx, s.name, span && span.firstDay < day ? span.firstDay : day, span && span.lastDay > day ? span.lastDay : day);
  }
  if (span && day >= span.firstDay && day <= span.lastDay) return applyDay(tx, s.name, day, 1);
  if (span && day < span.firstDay) return;
  const first = addDays(day, 1 - s.days);
  if (span && addDays(span.lastDay, 1) === day) {
    await applyDay(tx, s.name, day, 1);
    for (let d = span.firstDay; d < first; d = addDays(d, 1)) await applyDay(tx, s.name, d, -1);
  } else {
    // A gap (first run, or nights without a run): build the window again from the counted days.
    await tx.run(sql`DELETE FROM ${RV.$} WHERE ${RV.scope} = ${s.name}`);
    await tx.run(sql`
      ${INTO_ROOT_VOLUME}
      SELECT ${s.name}, c.${C.rootId}, sum(v.${V.count}), total(v.${V.micros}) FROM ${V.$} v
      JOIN ${R.$} r ON r.${R.day} = v.${V.day} AND r.${R.inTotals} = 1
      JOIN ${C.$} c ON c.${C.id} = v.${V.customerId} WHERE v.${V.day} BETWEEN ${first} AND ${day} GROUP BY c.${C.rootId}`);
  }
  await setSpan(tx, s.name, first, day);
}

// root_volume's key is (scope, root_id): naming the scopes turns `root_id = ?` from a scan of every
// customer's rows (millions) into one probe per scope.
const scopeList = sql.join(SCOPES.map((s) => sql`${s.name}`), sql`, `);

/** A merge folds one unified customer's volume into the other's, in every scope. */
export async function mergeTotals(tx: Tx, keep: string, fold: string): Promise<void> {
  await tx.run(sql`
    ${INTO_ROOT_VOLUME} SELECT ${RV.scope}, ${keep}, ${RV.count}, ${RV.micros} FROM ${RV.$} WHERE ${RV.scope} IN (${scopeList}) AND ${RV.rootId} = ${fold}
    ${ADD_ON_CONFLICT}`);
  await tx.run(sql`DELETE FROM ${RV.$} WHERE ${RV.scope} IN (${scopeList}) AND ${RV.rootId} = ${fold}`);
}

/** After a split the two unified customers' volumes are summed again from the days each scope holds. */
export async function recountTotals(tx: Tx, roots: string[]): Promise<void> {
  const ids = sql.join(roots.map((r) => sql`${r}`), sql`, `);
  await tx.run(sql`DELETE FROM ${RV.$} WHERE ${RV.scope} IN (${scopeList}) AND ${RV.rootId} IN (${ids})`);
  await tx.run(sql`
    ${INTO_ROOT_VOLUME}
    SELECT s.${S.scope}, c.${C.rootId}, sum(v.${V.count}), total(v.${V.micros}) FROM ${S.$} s
    JOIN ${R.$} r ON r.${R.inTotals} = 1 AND r.${R.day} BETWEEN s.${S.firstDay} AND s.${S.lastDay}
    JOIN ${V.$} v ON v.${V.day} = r.${R.day}
    JOIN ${C.$} c ON c.${C.id} = v.${V.customerId} WHERE c.${C.rootId} IN (${ids}) GROUP BY s.${S.scope}, c.${C.rootId}`);
}

export async function scopeSpans(db: Queryable): Promise<ScopeSpan[]> {
  return db.select().from(volumeScopes);
}

/**
 * The exact top `n` of a scope's volume − `stale` + `live` without reading every row: a threshold
 * algorithm over the scope (by index, largest first) and the live volumes (largest first). It stops
 * once the n-th best exact score beats anything an unseen customer could still reach.
 */
export async function topWithTotals(db: Queryable, scope: string, n: number, live: Map<string, Volume>, stale: Map<string, Volume>) {
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
    const rows = await db.all<{ root_id: string; count: number; m: number }>(
      // `m` is read as REAL (a total past 2^53 stored as INTEGER is refused by the libSQL client); the
      // ORDER BY names the column, so the (scope, micros) index still serves it.
      sql`SELECT ${RV.rootId}, ${RV.count}, CAST(${RV.micros} AS REAL) AS m FROM ${RV.$} WHERE ${RV.scope} = ${scope} ORDER BY ${RV.micros} DESC LIMIT ${page} OFFSET ${offset}`,
    );
    offset += rows.length;
    for (const r of rows) if (!exact.has(r.root_id)) settle(r.root_id, { count: Number(r.count), micros: Number(r.m) });
    const fromLive = liveSorted.slice(li, li + page).map(([id]) => id).filter((id) => !exact.has(id));
    li += page;
    if (fromLive.length) {
      const totals = await db.all<{ root_id: string; count: number; m: number }>(
        sql`SELECT ${RV.rootId}, ${RV.count}, CAST(${RV.micros} AS REAL) AS m FROM ${RV.$} WHERE ${RV.scope} = ${scope} AND ${RV.rootId} IN (${sql.join(fromLive.map((id) => sql`${id}`), sql`, `)})`,
      );
      const byId = new Map(totals.map((t) => [t.root_id, { count: Number(t.count), micros: Number(t.m) }]));
      for (const id of fromLive) settle(id, byId.get(id));
    }
    const totalsLeft = rows.length === page ? Number(rows.at(-1)!.m) : 0;
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
