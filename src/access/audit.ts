import { randomUUID } from 'node:crypto';
import { desc, getTableName, gte } from 'drizzle-orm';
import type { Db, Queryable, Store } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { columnsOf } from '../../db/sql-names.ts';

export type AuditEntry = typeof auditLog.$inferInsert;

const FIELDS = ['at', 'platform', 'callerId', 'channelId', 'command', 'identifierType', 'identifier', 'unifiedId'] as const;
const COLUMNS = columnsOf(auditLog, [...FIELDS, 'ref']);
// Idempotent by its ref: a journaled row replayed after a crash is not inserted twice (db/journal.ts).
const INSERT = `INSERT INTO ${getTableName(auditLog)} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (${COLUMNS.at(-1)}) DO NOTHING`;

/** The one audit-row builder: every field set, absent ones NULL, for both ways a row is written. */
export function auditRow(e: AuditEntry): Required<Omit<AuditEntry, 'id'>> {
  return { at: e.at, platform: e.platform, callerId: e.callerId, channelId: e.channelId ?? null, command: e.command, identifierType: e.identifierType ?? null, identifier: e.identifier ?? null, unifiedId: e.unifiedId ?? null, ref: e.ref ?? null };
}

/**
 * One row per lookup; written as a single statement because it sits on every lookup's path, and
 * through `store.record` so a lookup during a batch does not wait for the batch to commit.
 */
export async function writeAudit(store: Store, e: AuditEntry): Promise<void> {
  const row = auditRow(e);
  await store.record({ sql: INSERT, args: [...FIELDS.map((f) => row[f]), randomUUID()] });
}

/** The same row inside a caller's transaction (a role change commits with its audit row). */
export async function writeAuditIn(tx: Queryable, e: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(auditRow(e));
}

export async function readAudit(db: Db, since: number, limit = 500) {
  return db.select().from(auditLog).where(gte(auditLog.at, since)).orderBy(desc(auditLog.at)).limit(limit);
}
