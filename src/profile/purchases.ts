import type { Store } from '../../db/client.ts';
import { customers, purchaseItems, purchases } from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';
import { addDays } from '../time.ts';

const WINDOWS = [
  { key: '3m', days: 90 },
  { key: '6m', days: 180 },
  { key: '12m', days: 365 },
] as const;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const round2 = (n: number) => Math.round(n * 100) / 100;

// One statement for every figure: a lookup is latency-bound, and each statement costs a round of
// preparing and stepping whatever it returns. Weekday and hour are GMT+8 (28,800 s).
// Names from the drizzle tables (db/sql-names.ts).
const [C, P, PI] = [names(customers), names(purchases), names(purchaseItems)];
const TOP = (col: string) => `(SELECT json_group_array(json_array(name, q, a)) FROM (
    SELECT i.${col} AS name, total(i.${PI.quantity}) AS q, sum(i.${PI.quantity} * i.${PI.price}) AS a FROM ${PI.$} i JOIN pc ON pc.${P.id} = i.${PI.purchaseId}
    WHERE i.${col} IS NOT NULL GROUP BY i.${col} ORDER BY q DESC, a DESC, name LIMIT 3))`;
const BUSIEST = (fmt: string) =>
  `(SELECT cast(strftime('${fmt}', ${P.at} / 1000 + 28800, 'unixepoch') AS integer) AS v FROM pc GROUP BY v ORDER BY count(*) DESC, sum(${P.amount}) DESC LIMIT 1)`;
const SQL = `
  WITH p AS MATERIALIZED (SELECT * FROM ${P.$} WHERE ${P.customerId} IN (SELECT ${C.id} FROM ${C.$} WHERE ${C.rootId} = ?1) AND ${P.day} < ?2),
       cur AS (SELECT ${P.currency} FROM p GROUP BY ${P.currency} ORDER BY count(*) DESC, ${P.currency} LIMIT 1),
       pc AS MATERIALIZED (SELECT * FROM p WHERE ${P.currency} = (SELECT ${P.currency} FROM cur))
  SELECT (SELECT ${P.currency} FROM cur) AS currency,
    (SELECT json_array(count(*), coalesce(sum(${P.amount}), 0), min(${P.at}), max(${P.at})) FROM pc) AS total,
    ${WINDOWS.map((_, i) => `(SELECT json_array(count(*), coalesce(sum(${P.amount}), 0)) FROM pc WHERE ${P.day} >= ?${i + 3}) AS w${i}`).join(',\n    ')},
    ${BUSIEST('%w')} AS weekday, ${BUSIEST('%H')} AS hour,
    ${TOP(PI.category)} AS categories, ${TOP(PI.name)} AS items`;

/**
 * DFINERY-style purchase statistics "as of the previous day": today's GMT+8 purchases are left out so
 * the figures agree with the nightly ones. Amounts are in the customer's main currency.
 */
export async function purchaseStats(store: Pick<Store, 'read'>, unifiedId: string, today: string) {
  const rows = await store.read(SQL, [unifiedId, today, ...WINDOWS.map((w) => addDays(today, -w.days))]);
  const r = rows[0]!;
  const asOf = addDays(today, -1);
  type Named = { name: string; quantity: number; amount: number };
  if (r.currency == null) {
    const none: Named[] = [];
    return { as_of: asOf, currency: null, count: 0, amount: 0, windows: {}, top_weekday: null, top_hour: null, first_purchase_at: null, last_purchase_at: null, top_categories: none, top_items: none };
  }
  const [n, amount, first, last] = JSON.parse(String(r.total)) as [number, number, number, number];
  const windows = Object.fromEntries(
    WINDOWS.map((w, i) => {
      const [count, sum] = JSON.parse(String(r[`w${i}`])) as [number, number];
      return [w.key, { count, amount: round2(sum), average: count ? round2(sum / count) : 0 }];
    }),
  );
  const named = (json: unknown): Named[] => (JSON.parse(String(json)) as [string, number, number][]).map(([name, quantity, a]) => ({ name, quantity, amount: round2(a) }));
  return {
    as_of: asOf,
    currency: String(r.currency),
    count: n,
    amount: round2(amount),
    windows,
    top_weekday: r.weekday == null ? null : WEEKDAYS[Number(r.weekday)]!,
    top_hour: r.hour == null ? null : Number(r.hour),
    first_purchase_at: new Date(first).toISOString(),
    last_purchase_at: new Date(last).toISOString(),
    top_categories: named(r.categories),
    top_items: named(r.items),
  };
}
