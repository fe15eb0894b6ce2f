import { desc, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { identityConflicts } from '../../db/schema/index.ts';

export async function listConflicts(db: Db, opts: { all?: boolean; limit?: number } = {}) {
  const q = db.select().from(identityConflicts);
  return (opts.all ? q : q.where(isNull(identityConflicts.resolvedAt))).orderBy(desc(identityConflicts.createdAt)).limit(opts.limit ?? 200);
}
