import { sql } from 'drizzle-orm';
import { insertMany, type Tx } from '../../db/client.ts';
import type { complianceForms, devices, events, kycChanges, kycTasks, labels, purchaseItems, purchases, traits, transactions, wallets } from '../../db/schema/index.ts';
import type { AlertRow, KycView } from '../alerts/outbox.ts';
import { shiftKycCounts, type CurrentKyc } from '../kyc/state.ts';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];

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
  readonly kycChanges: Insert<typeof kycChanges>[] = [];
  readonly forms = new Map<string, Insert<typeof complianceForms>>();
  readonly tasks = new Map<string, Insert<typeof kycTasks>>();
  readonly alerts: AlertRow[] = [];
  /** The unified KYC state per root as this batch leaves it, so repeated records skip the database. */
  readonly kycByRoot = new Map<string, CurrentKyc | undefined>();
  /** Unified KYC states that left and arrived, for the per-level counters. */
  readonly kycMoves: { from: (KycView | undefined)[]; to: (KycView | undefined)[] } = { from: [], to: [] };
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
    const n = (v: unknown) => (v === undefined ? null : v);
    await insertMany(tx, 'wallets', ['customer_id', 'chain', 'address', 'first_seen_at'], [...this.wallets.values()].map((w) => [w.customerId, w.chain, w.address, w.firstSeenAt]), 'ON CONFLICT DO NOTHING');
    await insertMany(
      tx, 'transactions', ['customer_id', 'record_id', 'at', 'day', 'chain', 'token', 'amount', 'usdt_micros', 'direction', 'tx_hash'],
      this.transactions.map((t) => [t.customerId, n(t.recordId), t.at, t.day, t.chain, t.token, t.amount, t.usdtMicros, t.direction, n(t.txHash)]),
    );
    await insertMany(tx, 'events', ['customer_id', 'record_id', 'at', 'day', 'name', 'session_id', 'device_id'], this.events.map((e) => [e.customerId, n(e.recordId), e.at, e.day, e.name, n(e.sessionId), n(e.deviceId)]));
    await insertMany(tx, 'labels', ['customer_id', 'kind', 'value'], [...this.labels.values()].map((l) => [l.customerId, l.kind, l.value]), 'ON CONFLICT DO NOTHING');
    if (this.purchases.length) {
      // The write lock is held, so ids can be handed out here and the items point at them without a read-back.
      const [{ max }] = (await tx.all<{ max: number | null }>(sql`SELECT max(id) AS max FROM purchases`)) as [{ max: number | null }];
      let id = Number(max ?? 0);
      const rows = this.purchases.map((p) => ({ id: ++id, ...p }));
      await insertMany(tx, 'purchases', ['id', 'customer_id', 'record_id', 'order_id', 'at', 'day', 'amount', 'currency'], rows.map((p) => [p.id, p.row.customerId, n(p.row.recordId), p.row.orderId, p.row.at, p.row.day, p.row.amount, p.row.currency]));
      await insertMany(tx, 'purchase_items', ['purchase_id', 'name', 'category', 'quantity', 'price'], rows.flatMap((p) => p.items.map((i) => [p.id, i.name, n(i.category), i.quantity, i.price])));
    }
    const deviceCols = ['model', 'os', 'browser', 'library_version', 'country', 'city', 'language', 'timezone'] as const;
    await insertMany(
      tx, 'devices', ['customer_id', 'device_id', ...deviceCols, 'last_seen_at'],
      [...this.devices.values()].map((d) => [d.customerId, d.deviceId, n(d.model), n(d.os), n(d.browser), n(d.libraryVersion), n(d.country), n(d.city), n(d.language), n(d.timezone), d.lastSeenAt]),
      `ON CONFLICT (customer_id, device_id) DO UPDATE SET ${[...deviceCols, 'last_seen_at'].map((c) => `${c} = excluded.${c}`).join(', ')} WHERE devices.last_seen_at <= excluded.last_seen_at`,
    );
    const keep = (col: string) => `${col} = CASE WHEN excluded.updated_at >= traits.updated_at THEN coalesce(excluded.${col}, traits.${col}) ELSE coalesce(traits.${col}, excluded.${col}) END`;
    await insertMany(
      tx, 'traits', ['customer_id', 'name', 'gender', 'birth_date', 'membership_level', 'updated_at'],
      [...this.traits.values()].map((t) => [t.customerId, n(t.name), n(t.gender), n(t.birthDate), n(t.membershipLevel), t.updatedAt]),
      `ON CONFLICT (customer_id) DO UPDATE SET ${['name', 'gender', 'birth_date', 'membership_level'].map(keep).join(', ')}, updated_at = max(excluded.updated_at, traits.updated_at)`,
    );
    await insertMany(
      tx, 'kyc_changes', ['customer_id', 'record_id', 'at', 'day', 'from_status', 'to_status', 'from_score', 'to_score', 'from_level', 'to_level', 'reason', 'created_at'],
      this.kycChanges.map((k) => [k.customerId, n(k.recordId), k.at, k.day, k.fromStatus, k.toStatus, n(k.fromScore), n(k.toScore), n(k.fromLevel), n(k.toLevel), n(k.reason), k.createdAt]),
    );
    await insertMany(tx, 'compliance_forms', ['customer_id', 'form_number', 'submitted_at'], [...this.forms.values()].map((f) => [f.customerId, f.formNumber, f.submittedAt]), 'ON CONFLICT DO NOTHING');
    await insertMany(
      tx, 'kyc_tasks', ['customer_id', 'task_id', 'name', 'status', 'updated_at'], [...this.tasks.values()].map((t) => [t.customerId, t.taskId, t.name, t.status, t.updatedAt]),
      'ON CONFLICT (customer_id, task_id) DO UPDATE SET name = excluded.name, status = excluded.status, updated_at = excluded.updated_at',
    );
    await insertMany(
      tx, 'alerts', ['unified_id', 'kind', 'from_status', 'to_status', 'from_level', 'to_level', 'risk_score', 'reason', 'record_id', 'at', 'created_at'],
      this.alerts.map((a) => [a.unifiedId, a.kind, n(a.fromStatus), n(a.toStatus), n(a.fromLevel), n(a.toLevel), n(a.riskScore), n(a.reason), n(a.recordId), a.at, a.createdAt]),
    );
    await shiftKycCounts(tx, this.kycMoves.from, this.kycMoves.to);
    const activity = [...this.activity.entries()];
    for (let i = 0; i < activity.length; i += 300) {
      const chunk = activity.slice(i, i + 300);
      await tx.$client.execute({
        sql: `WITH v(id, first, last) AS (VALUES ${chunk.map(() => '(?,?,?)').join(',')})
              UPDATE customers SET first_seen_at = min(customers.first_seen_at, v.first), last_activity_at = max(customers.last_activity_at, v.last)
              FROM v WHERE customers.id = v.id`,
        args: chunk.flatMap(([id, a]) => [id, a.first, a.last]),
      });
    }
  }
}
