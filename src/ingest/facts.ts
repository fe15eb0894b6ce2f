import { getTableName, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { alerts as alertsTable, attributes, campaignTouches, complianceForms, customers, devices, events, kycChanges, kycTasks, labels, purchaseItems, purchases, traits, transactions, wallets } from '../../db/schema/index.ts';
import { col, columnsOf, insertRows, names } from '../../db/sql-names.ts';
import type { AlertRow, KycView } from '../compliance/alert-outbox.ts';
import { shiftKycCounts, type CurrentKyc } from '../compliance/kyc-state.ts';
import { gmt8Day } from '../time.ts';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];
const W = getTableName(wallets);
const W_KEY = columnsOf(wallets, ['chain', 'address']).join(', ');
const [W_FIRST, W_PFIRST, W_CUSTOMER] = columnsOf(wallets, ['firstSeenAt', 'pushedFirstAt', 'customerId']) as [string, string, string];

/**
 * Facts collected while a batch is resolved and written at the end in multi-row statements: one
 * statement per few hundred rows instead of one per record. Everything happens inside the batch's
 * transaction, so a failure still stores nothing.
 */
export class FactBuffer {
  readonly transactions: Insert<typeof transactions>[] = [];
  readonly events: Insert<typeof events>[] = [];
  readonly campaignTouches: Insert<typeof campaignTouches>[] = [];
  readonly purchases: { row: Omit<Insert<typeof purchases>, 'id'>; items: Omit<Insert<typeof purchaseItems>, 'purchaseId'>[] }[] = [];
  readonly labels = new Map<string, Insert<typeof labels>>();
  private readonly wallets = new Map<string, Insert<typeof wallets>>();
  private readonly devices = new Map<string, Insert<typeof devices>>();
  private readonly traits = new Map<string, Insert<typeof traits>>();
  /** First and last record per customer; `pushed*` leave out indexed transfers (null when there were only those). */
  private readonly activity = new Map<string, { first: number; last: number; pushedFirst: number | null; pushedLast: number | null }>();
  readonly kycChanges: Insert<typeof kycChanges>[] = [];
  /** Custom attributes per (customer, key): the newest record's value wins. */
  readonly attributes = new Map<string, Insert<typeof attributes>>();
  readonly forms = new Map<string, Insert<typeof complianceForms>>();
  readonly tasks = new Map<string, Insert<typeof kycTasks>>();
  readonly alerts: AlertRow[] = [];
  /** The unified KYC state per root as this batch leaves it, so repeated records skip the database. */
  readonly kycByRoot = new Map<string, CurrentKyc | undefined>();
  /** Unified KYC states that left and arrived, for the per-level counters. */
  readonly kycMoves: { from: (KycView | undefined)[]; to: (KycView | undefined)[] } = { from: [], to: [] };
  /** GMT+8 days whose metrics this batch changes; past ones get their rollup recomputed. */
  readonly days = new Set<string>();

  touch(customerId: string, at: number, pushed = true) {
    let a = this.activity.get(customerId);
    if (!a) this.activity.set(customerId, (a = { first: at, last: at, pushedFirst: null, pushedLast: null }));
    else (a.first = Math.min(a.first, at)), (a.last = Math.max(a.last, at));
    if (pushed) (a.pushedFirst = Math.min(a.pushedFirst ?? at, at)), (a.pushedLast = Math.max(a.pushedLast ?? at, at));
  }

  /** A wallet on a chain: first seen at its earliest record, and at its earliest pushed one (`pushed` false for an indexed transfer). */
  wallet(row: Omit<Insert<typeof wallets>, 'pushedFirstAt'>, pushed: boolean) {
    const key = `${row.chain}\u0000${row.address}`;
    const prev = this.wallets.get(key);
    const pushedAt = pushed ? row.firstSeenAt : null;
    const earliest = (a: number | null | undefined, b: number | null) => (a == null ? b : b === null ? a : Math.min(a, b));
    this.wallets.set(key, { ...row, firstSeenAt: Math.min(prev?.firstSeenAt ?? row.firstSeenAt, row.firstSeenAt), pushedFirstAt: earliest(prev?.pushedFirstAt, pushedAt) });
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

  attribute(row: Insert<typeof attributes>) {
    const key = `${row.customerId}\u0000${row.key}`;
    const prev = this.attributes.get(key);
    if (!prev || prev.updatedAt <= row.updatedAt) this.attributes.set(key, row);
  }

  async flush(tx: Tx): Promise<void> {
    const A = names(attributes);
    await insertRows(
      tx, attributes, ['customerId', 'key', 'value', 'match', 'updatedAt'], this.attributes.values(),
      `ON CONFLICT (${A.customerId}, ${A.key}) DO UPDATE SET ${[A.value, A.match, A.updatedAt].map((c) => `${c} = excluded.${c}`).join(', ')} WHERE ${A.$}.${A.updatedAt} <= excluded.${A.updatedAt}`,
    );
    // A wallet row the indexer made becomes a pushed one when a source names the wallet on that chain;
    // a row nothing moves is not written (most records repeat wallets already known).
    await insertRows(
      tx, wallets, ['customerId', 'chain', 'address', 'firstSeenAt', 'pushedFirstAt'], this.wallets.values(),
      `ON CONFLICT (${W_KEY}) DO UPDATE SET ${W_FIRST} = min(${W}.${W_FIRST}, excluded.${W_FIRST}),
        ${W_PFIRST} = coalesce(min(${W}.${W_PFIRST}, excluded.${W_PFIRST}), ${W}.${W_PFIRST}, excluded.${W_PFIRST})
        WHERE ${W}.${W_CUSTOMER} = excluded.${W_CUSTOMER} AND (excluded.${W_FIRST} < ${W}.${W_FIRST}
          OR (excluded.${W_PFIRST} IS NOT NULL AND (${W}.${W_PFIRST} IS NULL OR excluded.${W_PFIRST} < ${W}.${W_PFIRST})))`,
    );
    await insertRows(tx, transactions, ['customerId', 'recordId', 'at', 'day', 'chain', 'token', 'amount', 'usdtMicros', 'direction', 'txHash'], this.transactions);
    await insertRows(tx, events, ['customerId', 'recordId', 'at', 'day', 'name', 'sessionId', 'deviceId'], this.events);
    await insertRows(tx, campaignTouches, ['customerId', 'recordId', 'at', 'source', 'medium', 'name', 'term', 'content', 'referrer'], this.campaignTouches);
    await insertRows(tx, labels, ['customerId', 'kind', 'value'], this.labels.values(), 'ON CONFLICT DO NOTHING');
    if (this.purchases.length) {
      // The write lock is held, so ids can be handed out here and the items point at them without a read-back.
      const [{ max }] = (await tx.all<{ max: number | null }>(sql`SELECT max(${purchases.id}) AS max FROM ${purchases}`)) as [{ max: number | null }];
      let id = Number(max ?? 0);
      const rows = this.purchases.map((p) => ({ id: ++id, ...p }));
      await insertRows(tx, purchases, ['id', 'customerId', 'recordId', 'orderId', 'at', 'day', 'amount', 'currency'], rows.map((p) => ({ ...p.row, id: p.id })));
      await insertRows(tx, purchaseItems, ['purchaseId', 'name', 'category', 'quantity', 'price'], rows.flatMap((p) => p.items.map((i) => ({ ...i, purchaseId: p.id }))));
    }
    const deviceFields = ['model', 'os', 'browser', 'libraryVersion', 'country', 'city', 'language', 'timezone', 'lastSeenAt'] as const;
    const lastSeen = col(devices, 'lastSeenAt');
    await insertRows(
      tx, devices, ['customerId', 'deviceId', ...deviceFields], this.devices.values(),
      `ON CONFLICT (${columnsOf(devices, ['customerId', 'deviceId']).join(', ')}) DO UPDATE SET ${columnsOf(devices, deviceFields).map((c) => `${c} = excluded.${c}`).join(', ')} WHERE ${getTableName(devices)}.${lastSeen} <= excluded.${lastSeen}`,
    );
    const traitFields = ['name', 'gender', 'birthDate', 'membershipLevel'] as const;
    const updated = col(traits, 'updatedAt');
    const TR = getTableName(traits);
    const keep = (c: string) => `${c} = CASE WHEN excluded.${updated} >= ${TR}.${updated} THEN coalesce(excluded.${c}, ${TR}.${c}) ELSE coalesce(${TR}.${c}, excluded.${c}) END`;
    await insertRows(
      tx, traits, ['customerId', ...traitFields, 'updatedAt'], this.traits.values(),
      `ON CONFLICT (${col(traits, 'customerId')}) DO UPDATE SET ${columnsOf(traits, traitFields).map(keep).join(', ')}, ${updated} = max(excluded.${updated}, ${TR}.${updated})`,
    );
    await insertRows(tx, kycChanges, ['customerId', 'recordId', 'at', 'day', 'fromStatus', 'toStatus', 'fromScore', 'toScore', 'fromLevel', 'toLevel', 'reason', 'createdAt'], this.kycChanges);
    await insertRows(tx, complianceForms, ['customerId', 'formNumber', 'submittedAt'], this.forms.values(), 'ON CONFLICT DO NOTHING');
    const [taskName, taskStatus, taskUpdated] = columnsOf(kycTasks, ['name', 'status', 'updatedAt']) as [string, string, string];
    await insertRows(
      tx, kycTasks, ['customerId', 'taskId', 'name', 'status', 'updatedAt'], this.tasks.values(),
      `ON CONFLICT (${columnsOf(kycTasks, ['customerId', 'taskId']).join(', ')}) DO UPDATE SET ${[taskName, taskStatus, taskUpdated].map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    await insertRows(tx, alertsTable, ['unifiedId', 'kind', 'fromStatus', 'toStatus', 'fromLevel', 'toLevel', 'riskScore', 'reason', 'recordId', 'at', 'createdAt'], this.alerts);
    await shiftKycCounts(tx, this.kycMoves.from, this.kycMoves.to);
    const activity = [...this.activity.entries()];
    const C = getTableName(customers);
    const [ID, FIRST, LAST, PFIRST, PLAST] = columnsOf(customers, ['id', 'firstSeenAt', 'lastActivityAt', 'pushedFirstAt', 'pushedLastAt']) as [string, string, string, string, string];
    const ROOT = col(customers, 'rootId');
    for (let i = 0; i < activity.length; i += 300) {
      const chunk = activity.slice(i, i + 300);
      // A record older than a unified customer's first one moves the day it is new on: the day it was
      // new on until now changes too (the record's own day is in `days` already).
      const { rows: moved } = await tx.$client.execute({
        sql: `WITH v(id, first) AS (VALUES ${chunk.map(() => '(?,?)').join(',')}),
              r AS (SELECT c.${ROOT} AS root, min(v.first) AS first FROM v JOIN ${C} c ON c.${ID} = v.id WHERE v.first < c.${FIRST} GROUP BY c.${ROOT})
              SELECT old FROM (SELECT r.first, (SELECT min(g.${FIRST}) FROM ${C} g WHERE g.${ROOT} = r.root) AS old FROM r) WHERE first < old`,
        args: chunk.flatMap(([id, a]) => [id, a.first]),
      });
      for (const m of moved as unknown as { old: number }[]) this.days.add(gmt8Day(Number(m.old)));
      // SQLite's two-argument min/max give NULL when either side is NULL, hence the coalesce.
      await tx.$client.execute({
        sql: `WITH v(id, first, last, pfirst, plast) AS (VALUES ${chunk.map(() => '(?,?,?,?,?)').join(',')})
              UPDATE ${C} SET ${FIRST} = min(${C}.${FIRST}, v.first), ${LAST} = max(${C}.${LAST}, v.last),
                ${PFIRST} = coalesce(min(${C}.${PFIRST}, v.pfirst), ${C}.${PFIRST}, v.pfirst), ${PLAST} = coalesce(max(${C}.${PLAST}, v.plast), ${C}.${PLAST}, v.plast)
              FROM v WHERE ${C}.${ID} = v.id`,
        args: chunk.flatMap(([id, a]) => [id, a.first, a.last, a.pushedFirst, a.pushedLast]),
      });
    }
  }
}
