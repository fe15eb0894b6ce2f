import { desc, gte } from 'drizzle-orm';
import type { Db, Store } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';

export type AuditEntry = typeof auditLog.$inferInsert;

const COLUMNS = ['at', 'platform', 'caller_id', 'channel_id', 'command', 'identifier_type', 'identifier', 'unified_id'] as const;
const INSERT = `INSERT INTO audit_log (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/** One row per lookup; written as a single statement because it sits on every lookup's path. */
export async function writeAudit(store: Store, e: AuditEntry): Promise<void> {
  await store.writeOne({ sql: INSERT, args: [e.at, e.platform, e.callerId, e.channelId ?? null, e.command, e.identifierType ?? null, e.identifier ?? null, e.unifiedId ?? null] });
}

export async function readAudit(db: Db, since: number, limit = 500) {
  return db.select().from(auditLog).where(gte(auditLog.at, since)).orderBy(desc(auditLog.at)).limit(limit);
}
