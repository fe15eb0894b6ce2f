import { and, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { purchaseItems, purchases } from '../../db/schema/index.ts';
import { addDays } from '../time.ts';

const WINDOWS = [
  { key: '3m', days: 90 },
  { key: '6m', days: 180 },
  { key: '12m', days: 365 },
] as const;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const round2 = (n: number) => Math.round(n * 100) / 100;
// GMT+8 wall-clock fields of an epoch-ms column, for weekday and hour of purchase.
const local = (fmt: string) => sql`cast(strftime(${fmt}, ${purchases.at} / 1000 + 28800, 'unixepoch') as integer)`;

/**
 * DFINERY-style purchase statistics "as of the previous day": today's GMT+8 purchases are left out so
 * the figures agree with the nightly ones. Amounts are in the customer's main currency.
 */
export async function purchaseStats(db: Db, customerIds: string[], today: string) {
  const scope = and(inArray(purchases.customerId, customerIds), lt(purchases.day, today));
  const [main] = await db
    .select({ currency: purchases.currency })
    .from(purchases)
    .where(scope)
    .groupBy(purchases.currency)
    .orderBy(desc(sql`count(*)`))
    .limit(1);
  const asOf = addDays(today, -1);
  if (!main) return { as_of: asOf, currency: null, count: 0, amount: 0, windows: {}, top_weekday: null, top_hour: null, first_purchase_at: null, last_purchase_at: null, top_categories: [], top_items: [] };

  const inCurrency = and(scope, eq(purchases.currency, main.currency));
  const totals = (where = inCurrency) =>
    db.select({ n: sql<number>`count(*)`, amount: sql<number>`coalesce(sum(${purchases.amount}), 0)`, first: sql<number>`min(${purchases.at})`, last: sql<number>`max(${purchases.at})` }).from(purchases).where(where);
  const busiest = (field: ReturnType<typeof local>) =>
    db.select({ v: sql<number>`${field}` }).from(purchases).where(inCurrency).groupBy(field).orderBy(desc(sql`count(*)`), desc(sql`sum(${purchases.amount})`)).limit(1);
  const top = (col: typeof purchaseItems.category | typeof purchaseItems.name) =>
    db
      .select({ name: col, quantity: sql<number>`sum(${purchaseItems.quantity})`, amount: sql<number>`sum(${purchaseItems.quantity} * ${purchaseItems.price})` })
      .from(purchaseItems)
      .innerJoin(purchases, eq(purchases.id, purchaseItems.purchaseId))
      .where(and(inCurrency, isNotNull(col)))
      .groupBy(col)
      .orderBy(desc(sql`2`), desc(sql`3`), col)
      .limit(3);

  const [[all], windowTotals, [weekday], [hour], categories, items] = await Promise.all([
    totals(),
    Promise.all(WINDOWS.map((w) => totals(and(inCurrency, gte(purchases.day, addDays(today, -w.days)))))),
    busiest(local('%w')),
    busiest(local('%H')),
    top(purchaseItems.category),
    top(purchaseItems.name),
  ]);
  const windows = Object.fromEntries(
    WINDOWS.map((w, i) => {
      const t = windowTotals[i]![0]!;
      const n = Number(t.n);
      return [w.key, { count: n, amount: round2(t.amount), average: n ? round2(t.amount / n) : 0 }];
    }),
  );
  const named = (rows: { name: string | null; quantity: number; amount: number }[]) => rows.map((r) => ({ name: r.name!, quantity: Number(r.quantity), amount: round2(r.amount) }));
  return {
    as_of: asOf,
    currency: main.currency,
    count: Number(all!.n),
    amount: round2(all!.amount),
    windows,
    top_weekday: weekday ? WEEKDAYS[weekday.v]! : null,
    top_hour: hour ? Number(hour.v) : null,
    first_purchase_at: new Date(all!.first).toISOString(),
    last_purchase_at: new Date(all!.last).toISOString(),
    top_categories: named(categories),
    top_items: named(items),
  };
}
