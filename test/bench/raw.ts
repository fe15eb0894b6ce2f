/**
 * Baselines: the minimal SQL a hand-written program would run for the same answer, through its own
 * @libsql/client on the same database file. No ORM, no validation, no identity resolution.
 */
import { createClient, type Client, type InArgs } from '@libsql/client';
import { addDays, gmt8Day, gmt8DayStart } from '../../src/time.ts';
import type { BenchRecord } from './model.ts';

export const rawClient = (dbPath: string) => createClient({ url: `file:${dbPath}`, timeout: 10_000 });

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Identifier → unified customer → the profile's headline aggregates. */
export async function rawLookup(db: Client, type: string, value: string) {
  const root = (await db.execute({ sql: 'SELECT c.root_id FROM identifiers i JOIN customers c ON c.id = i.customer_id WHERE i.type = ? AND i.value = ?', args: [type, value] })).rows[0]?.root_id;
  if (!root) return null;
  const ids = (await db.execute({ sql: 'SELECT id FROM customers WHERE root_id = ?', args: [root] })).rows.map((r) => r.id as string);
  const g = marks(ids.length);
  const [tx, ev, kyc, traits, idents] = await Promise.all([
    db.execute({ sql: `SELECT count(*) AS n, coalesce(sum(usdt_micros), 0) AS micros, min(at) AS first, max(at) AS last FROM transactions WHERE customer_id IN (${g})`, args: ids }),
    db.execute({ sql: `SELECT count(*) AS n, count(DISTINCT session_id) AS sessions FROM events WHERE customer_id IN (${g})`, args: ids }),
    db.execute({ sql: `SELECT status, risk_score, risk_level FROM kyc_states WHERE customer_id IN (${g}) ORDER BY updated_at DESC LIMIT 1`, args: ids }),
    db.execute({ sql: `SELECT name, membership_level FROM traits WHERE customer_id IN (${g})`, args: ids }),
    db.execute({ sql: `SELECT type, value FROM identifiers WHERE customer_id IN (${g})`, args: ids }),
  ]);
  return { root, tx: tx.rows[0], events: ev.rows[0], kyc: kyc.rows[0], traits: traits.rows[0], identifiers: idents.rows.length };
}

type Row = (string | number | null)[];
const TABLES = {
  customers: ['id', 'root_id', 'created_at', 'first_seen_at', 'last_activity_at'],
  identifiers: ['customer_id', 'type', 'value', 'created_at'],
  wallets: ['customer_id', 'chain', 'address', 'first_seen_at'],
  traits: ['customer_id', 'name', 'gender', 'birth_date', 'membership_level', 'updated_at'],
  kyc_changes: ['customer_id', 'record_id', 'at', 'day', 'from_status', 'to_status', 'to_score', 'created_at'],
  kyc_states: ['customer_id', 'status', 'risk_score', 'updated_at'],
  transactions: ['customer_id', 'record_id', 'at', 'day', 'chain', 'token', 'amount', 'usdt_micros', 'direction', 'tx_hash'],
  events: ['customer_id', 'record_id', 'at', 'day', 'name', 'session_id', 'device_id'],
  purchases: ['id', 'customer_id', 'record_id', 'order_id', 'at', 'day', 'amount', 'currency'],
  purchase_items: ['purchase_id', 'name', 'category', 'quantity', 'price'],
} as const;
type Table = keyof typeof TABLES;
export type RawRows = Record<Table, Row[]>;

/**
 * The rows the records become, as a program that already knows its customers would write them
 * (customer ids are derived from the record ids; values are stored as sent).
 */
export function rawRows(records: BenchRecord[], now: number, firstPurchaseId: number): RawRows {
  const rows = Object.fromEntries(Object.keys(TABLES).map((t) => [t, []])) as unknown as RawRows;
  let purchaseId = firstPurchaseId;
  for (const r of records) {
    const customer = `u_raw_${r.id.split('-')[1]}`;
    const at = Date.parse(r.timestamp);
    const day = gmt8Day(at);
    const x = r as Record<string, any>;
    switch (r.type) {
      case 'identify': {
        rows.customers.push([customer, customer, now, at, at]);
        for (const [type, v] of Object.entries(x.identifiers as Record<string, unknown>)) {
          if (type === 'wallets') {
            for (const w of v as { chain: string; address: string }[]) {
              rows.identifiers.push([customer, 'wallet', `${w.chain}:${w.address}`, now]);
              rows.wallets.push([customer, w.chain, w.address, at]);
            }
          } else rows.identifiers.push([customer, type, String(v), now]);
        }
        const t = x.traits ?? {};
        rows.traits.push([customer, t.name ?? null, t.gender ?? null, t.birth_date ?? null, t.membership_level ?? null, at]);
        break;
      }
      case 'kyc':
        rows.kyc_changes.push([customer, r.id, at, day, 'unverified', x.status, x.risk_score ?? null, now]);
        rows.kyc_states.push([customer, x.status, x.risk_score ?? null, at]);
        break;
      case 'transaction':
        rows.transactions.push([customer, r.id, at, day, x.chain, x.token, x.amount, Math.round(Number(x.usdt_value) * 1e6), x.direction, x.tx_hash ?? null]);
        break;
      case 'event':
        rows.events.push([customer, r.id, at, day, x.name, x.session_id ?? null, x.device?.id ?? null]);
        break;
      case 'purchase': {
        const id = purchaseId++;
        rows.purchases.push([id, customer, r.id, x.order_id, at, day, Number(x.amount), x.currency]);
        for (const it of x.items as { name: string; category: string; quantity: number; price: number }[]) rows.purchase_items.push([id, it.name, it.category, it.quantity, it.price]);
        break;
      }
    }
  }
  return rows;
}

/** Multi-row INSERTs of 500 rows, all of one batch in one write transaction. */
export async function rawInsert(db: Client, rows: RawRows): Promise<void> {
  const tx = await db.transaction('write');
  try {
    for (const table of Object.keys(TABLES) as Table[]) {
      const cols = TABLES[table];
      const verb = table === 'kyc_states' ? 'INSERT OR REPLACE' : 'INSERT';
      for (let i = 0; i < rows[table].length; i += 500) {
        const chunk = rows[table].slice(i, i + 500);
        const tuple = `(${marks(cols.length)})`;
        await tx.execute({ sql: `${verb} INTO ${table} (${cols.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, args: chunk.flat() as InArgs });
      }
    }
    await tx.commit();
  } finally {
    tx.close();
  }
}

/** What `GET /v1/metrics` answers for [from, to], straight from the fact tables. */
export async function rawMetrics(db: Client, from: string, to: string) {
  const fromMs = gmt8DayStart(from);
  const toMs = gmt8DayStart(addDays(to, 1));
  const q = (sql: string, args: InArgs = [from, to]) => db.execute({ sql, args });
  return Promise.all([
    q('SELECT count(*) FROM customers WHERE parent_id IS NULL AND id = root_id AND created_at >= ? AND created_at < ?', [fromMs, toMs]),
    q(`SELECT sum(to_status = 'pending' AND from_status <> 'pending'), sum(to_status = 'verified' AND from_status <> 'verified'),
         sum(to_status = 'rejected' AND from_status <> 'rejected'), sum(to_level = 'high' AND coalesce(from_level, '') <> 'high'),
         sum(to_level = 'very_high' AND coalesce(from_level, '') <> 'very_high') FROM kyc_changes WHERE day BETWEEN ? AND ?`),
    q('SELECT status, risk_level, count(*) FROM kyc_states GROUP BY status, risk_level', []),
    q('SELECT count(*) FROM purchases WHERE day BETWEEN ? AND ?'),
    q('SELECT token, chain, count(*), sum(usdt_micros) FROM transactions WHERE day BETWEEN ? AND ? GROUP BY token, chain'),
    q('SELECT day, count(*), sum(usdt_micros) FROM transactions WHERE day BETWEEN ? AND ? GROUP BY day'),
    q(`SELECT c.root_id, count(*), sum(t.usdt_micros) AS m FROM transactions t JOIN customers c ON c.id = t.customer_id
         WHERE t.day BETWEEN ? AND ? GROUP BY c.root_id ORDER BY m DESC LIMIT 10`),
  ]);
}

/** The daily digest's figures for `day` from the facts: the day, the day before, the 7-day average, 30 days by day, top 5. */
export async function rawDigest(db: Client, day: string) {
  const q = (sql: string, args: InArgs) => db.execute({ sql, args });
  const range = (a: string, b: string) => q('SELECT count(*), sum(usdt_micros) FROM transactions WHERE day BETWEEN ? AND ?', [a, b]);
  return Promise.all([
    q('SELECT token, chain, count(*), sum(usdt_micros) FROM transactions WHERE day = ? GROUP BY token, chain', [day]),
    range(addDays(day, -1), addDays(day, -1)),
    range(addDays(day, -7), addDays(day, -1)),
    q('SELECT day, sum(usdt_micros) FROM transactions WHERE day BETWEEN ? AND ? GROUP BY day', [addDays(day, -29), day]),
    q(`SELECT c.root_id, count(*), sum(t.usdt_micros) AS m FROM transactions t JOIN customers c ON c.id = t.customer_id
         WHERE t.day = ? GROUP BY c.root_id ORDER BY m DESC LIMIT 5`, [day]),
    q('SELECT count(*) FROM customers WHERE parent_id IS NULL AND id = root_id AND created_at >= ? AND created_at < ?', [gmt8DayStart(day), gmt8DayStart(addDays(day, 1))]),
    q(`SELECT sum(to_status = 'pending'), sum(to_status = 'verified'), sum(to_status = 'rejected') FROM kyc_changes WHERE day = ?`, [day]),
    q('SELECT status, risk_level, count(*) FROM kyc_states GROUP BY status, risk_level', []),
  ]);
}
