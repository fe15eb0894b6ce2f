import { eq } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { appSecrets, customers } from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';
import { refreshAudience, refreshTerms } from './index-rows.ts';

const MARK = 'audience_index_backfilled';
const CHUNK = 5000;
const C = names(customers);
const NEXT_CHUNK = `SELECT ${C.id}, ${C.rootId} FROM ${C.$} WHERE ${C.id} > ? ORDER BY ${C.id} LIMIT ?`;

/**
 * A database that held customers before the `find` indexes existed gets them built once, in chunks of
 * customers (one transaction each), then a marker row. Rerunning after a crash starts over: every step
 * rewrites rows from the source tables, so doing one twice changes nothing.
 */
export async function backfillAudienceIndex(store: Store, now: number, log: (line: string) => void = () => {}): Promise<number> {
  const done = await store.db.select().from(appSecrets).where(eq(appSecrets.name, MARK));
  if (done.length) return 0;
  let after = '';
  let n = 0;
  for (;;) {
    const { rows } = await store.client.execute({ sql: NEXT_CHUNK, args: [after, CHUNK] });
    if (!rows.length) break;
    const ids = rows.map((r) => String(r.id));
    await store.write(async (tx) => {
      await refreshTerms(tx, ids);
      await refreshAudience(tx, rows.filter((r) => r.id === r.root_id).map((r) => String(r.id)));
    });
    n += ids.length;
    after = ids.at(-1)!;
    if (n % 100_000 < CHUNK) log(`find index: ${n.toLocaleString('en-US')} customers indexed`);
  }
  await store.write((tx) => tx.insert(appSecrets).values({ name: MARK, value: String(n), createdAt: now }).onConflictDoNothing());
  return n;
}
