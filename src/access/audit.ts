import { desc, gte } from 'drizzle-orm';
import type { Db, Store } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';

export type AuditEntry = typeof auditLog.$inferInsert;

export async function writeAudit(store: Store, entry: AuditEntry): Promise<void> {
  await store.write((tx) => tx.insert(auditLog).values(entry));
}

export async function readAudit(db: Db, since: number, limit = 500) {
  return db.select().from(auditLog).where(gte(auditLog.at, since)).orderBy(desc(auditLog.at)).limit(limit);
}
