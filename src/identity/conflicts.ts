import { count, desc, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { identityConflicts } from '../../db/schema/index.ts';

export async function listConflicts(db: Db, opts: { all?: boolean; limit?: number } = {}) {
  const q = db.select().from(identityConflicts);
  return (opts.all ? q : q.where(isNull(identityConflicts.resolvedAt))).orderBy(desc(identityConflicts.createdAt), desc(identityConflicts.id)).limit(opts.limit ?? 200);
}

export async function countConflicts(db: Db, opts: { all?: boolean } = {}): Promise<number> {
  const q = db.select({ n: count() }).from(identityConflicts);
  const [row] = await (opts.all ? q : q.where(isNull(identityConflicts.resolvedAt)));
  return row?.n ?? 0;
}
