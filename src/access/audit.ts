import { desc, gte } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';

export type AuditEntry = typeof auditLog.$inferInsert;

export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

export async function readAudit(db: Db, since: number, limit = 500) {
  return db.select().from(auditLog).where(gte(auditLog.at, since)).orderBy(desc(auditLog.at)).limit(limit);
}
