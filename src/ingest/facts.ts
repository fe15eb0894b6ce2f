import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { devices, events, labels, purchaseItems, purchases, traits, transactions, wallets } from '../../db/schema/index.ts';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];

/** Rows per INSERT statement: large enough to amortise the round trip, small enough for SQLite's variable limit. */
const CHUNK = 500;

/**
 * Facts collected while a batch is resolved and written at the end in multi-row statements: one
 * statement per few hundred rows instead of one per record. Everything happens inside the batch's
 * transaction, so a failure still stores nothing.
 */
export class FactBuffer {
  readonly transactions: Insert<typeof transactions>[] = [];
  readonly events: Insert<typeof events>[] = [];
  readonly purchases: { row: Omit<Insert<typeof purchases>, 'id'>; items: Omit<Insert<typeof purchaseItems>, 'purchaseId'>[] }[] = [];
  readonly labels = new Map<string, Insert<typeof labels>>();
  readonly wallets = new Map<string, Insert<typeof wallets>>();
  private readonly devices = new Map<string, Insert<typeof devices>>();
  private readonly traits = new Map<string, Insert<typeof traits>>();
  private readonly activity = new Map<string, { first: number; last: number }>();
  /** GMT+8 days whose metrics this batch changes; past ones get their rollup recomputed. */
  readonly days = new Set<string>();

  touch(customerId: string, at: number) {
    const a = this.activity.get(customerId);
    if (!a) this.activity.set(customerId, { first: at, last: at });
    else (a.first = Math.min(a.first, at)), (a.last = Math.max(a.last, at));
  }

  /** The newest sighting of a device wins, field by field as a whole record. */
  device(row: Insert<typeof devices>) {
    const key = `${row.customerId}\u0000${row.deviceId}`;
    const prev = this.devices.get(key);
    if (!prev || prev.lastSeenAt <= row.lastSeenAt) this.devices.set(key, row);
  }

  /** Traits merge in timestamp order: a newer record overwrites only the fields it carries. */
  trait(row: Insert<typeof traits>) {
    const prev = this.traits.get(row.customerId);
    if (!prev) return void this.traits.set(row.customerId, row);
    const [older, newer] = prev.updatedAt <= row.updatedAt ? [prev, row] : [row, prev];
    const pick = <K extends 'name' | 'gender' | 'birthDate' | 'membershipLevel'>(k: K) => newer[k] ?? older[k];
    this.traits.set(row.customerId, {
      customerId: row.customerId, name: pick('name'), gender: pick('gender'), birthDate: pick('birthDate'), membershipLevel: pick('membershipLevel'), updatedAt: newer.updatedAt,
    });
  }

  async flush(tx: Tx): Promise<void> {
    const chunks = <T>(rows: T[]) => Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, i) => rows.slice(i * CHUNK, (i + 1) * CHUNK));
    for (const c of chunks([...this.wallets.values()])) await tx.insert(wallets).values(c).onConflictDoNothing();
    for (const c of chunks(this.transactions)) await tx.insert(transactions).values(c);
    for (const c of chunks(this.events)) await tx.insert(events).values(c);
    for (const c of chunks([...this.labels.values()])) await tx.insert(labels).values(c).onConflictDoNothing();
    if (this.purchases.length) {
      // The write lock is held, so ids can be handed out here and the items point at them without a read-back.
      const [{ max }] = (await tx.all<{ max: number | null }>(sql`SELECT max(id) AS max FROM purchases`)) as [{ max: number | null }];
      let id = Number(max ?? 0);
      const rows = this.purchases.map((p) => ({ ...p, row: { ...p.row, id: ++id } }));
      for (const c of chunks(rows)) await tx.insert(purchases).values(c.map((p) => p.row));
      const items = rows.flatMap((p) => p.items.map((i) => ({ ...i, purchaseId: p.row.id })));
      for (const c of chunks(items)) await tx.insert(purchaseItems).values(c);
    }
    for (const c of chunks([...this.devices.values()])) {
      await tx
        .insert(devices)
        .values(c)
        .onConflictDoUpdate({
          target: [devices.customerId, devices.deviceId],
          set: Object.fromEntries(
            (['model', 'os', 'browser', 'library_version', 'country', 'city', 'language', 'timezone', 'last_seen_at'] as const).map((col) => [
              col.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase()),
              sql.raw(`excluded.${col}`),
            ]),
          ),
          setWhere: sql`${devices.lastSeenAt} <= excluded.last_seen_at`,
        });
    }
    for (const c of chunks([...this.traits.values()])) {
      const keep = (col: string) => sql.raw(`CASE WHEN excluded.updated_at >= traits.updated_at THEN coalesce(excluded.${col}, traits.${col}) ELSE coalesce(traits.${col}, excluded.${col}) END`);
      await tx
        .insert(traits)
        .values(c)
        .onConflictDoUpdate({
          target: traits.customerId,
          set: { name: keep('name'), gender: keep('gender'), birthDate: keep('birth_date'), membershipLevel: keep('membership_level'), updatedAt: sql.raw('max(excluded.updated_at, traits.updated_at)') },
        });
    }
    for (const c of chunks([...this.activity.entries()])) {
      const values = sql.join(c.map(([id, a]) => sql`(${id}, ${a.first}, ${a.last})`), sql`, `);
      await tx.run(sql`
        WITH v(id, first, last) AS (VALUES ${values})
        UPDATE customers SET first_seen_at = min(customers.first_seen_at, v.first), last_activity_at = max(customers.last_activity_at, v.last)
        FROM v WHERE customers.id = v.id`);
    }
  }
}
