// The profile's read model (issue 18): the row of the profile statement (profile.ts) kept per unified
// customer in `profile_rows`, so a lookup is one point read. Triggers bump `profile_versions` on every
// write to the facts the statement reads (migration 0019); a stored row answers only while its version
// is the root's current one, and a lookup that finds none current builds the row (in the same
// statement) and stores it without waiting for the store. Nothing lives in process memory, so it
// holds on an embedded file and on a libSQL server with several instances alike.
import type { InValue } from '@libsql/client';
import type { Store } from '../../db/client.ts';
import { profileRows, profileVersions } from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';

const [M, V] = [names(profileRows), names(profileVersions)];
/** The statement's columns, as `profile_rows` names them (the statement's aliases are the column names). */
export const SECTION_COLUMNS = Object.entries(M).filter(([k]) => k !== '$' && k !== 'rootId' && k !== 'version').map(([, c]) => c);
/** The root's current version: 0 until a write first touches it. */
export const CURRENT_VERSION = `coalesce((SELECT ${V.version} FROM ${V.$} WHERE ${V.rootId} = ?1), 0)`;
const HIT = `SELECT ${SECTION_COLUMNS.join(', ')} FROM ${M.$} WHERE ${M.rootId} = ?1 AND ${M.version} = ${CURRENT_VERSION}`;
// The row carries the version it was built from (read in the same statement as the sections, so both
// come from one snapshot), and HIT serves it only while that is still the root's version: a row built
// just before a write can never answer after it, whenever it is stored. The WHERE skips storing such a
// row at all (it could never answer, and it must not replace a newer one). Idempotent, so it may be
// journaled and replayed.
const STORE = `INSERT INTO ${M.$} (${M.rootId}, ${M.version}, ${SECTION_COLUMNS.join(', ')})
  SELECT ?1, ?2, ${SECTION_COLUMNS.map((_, i) => `?${i + 3}`).join(', ')} WHERE ?2 = ${CURRENT_VERSION}
  ON CONFLICT (${M.rootId}) DO UPDATE SET ${[M.version, ...SECTION_COLUMNS].map((c) => `${c} = excluded.${c}`).join(', ')}`;

export type ProfileRow = Record<string, unknown>;
/** One section of the profile statement: its column name (a `profile_rows` column) and its expression. */
export type Section = [name: string, expr: string];

/**
 * The profile statement answered from the stored row when that row is current: each section is
 * `CASE WHEN <stored row current> THEN <stored column> ELSE <its subquery> END`, and SQLite evaluates
 * only the branch taken, so a hit costs a point read (measured: 0.014 ms against 0.4 ms for the
 * statement) and a miss costs the statement, in one statement either way (one round trip on a server),
 * with the version read in the same snapshot as the sections. `hit` says which it was.
 */
export function modelStatement(withClause: string, sections: Section[]): string {
  const names = sections.map(([name]) => name);
  // The stored row's columns are the statement's: a section added to one and not the other is a bug.
  if (names.join() !== SECTION_COLUMNS.join()) throw new Error(`profile_rows columns (${SECTION_COLUMNS.join()}) differ from the profile statement's (${names.join()})`);
  return `WITH ${withClause}
  SELECT m.${M.rootId} IS NOT NULL AS hit, ${CURRENT_VERSION} AS version,
    ${sections.map(([name, expr]) => `CASE WHEN m.${M.rootId} IS NOT NULL THEN m.${name} ELSE ${expr} END AS ${name}`).join(',\n    ')}
  FROM (SELECT 1) AS one LEFT JOIN ${M.$} m ON m.${M.rootId} = ?1 AND m.${M.version} = ${CURRENT_VERSION}`;
}
export interface ModelRead {
  row: ProfileRow;
  /** true when the stored row was current; false when it was built now */
  hit: boolean;
  /** the store of a row built now (settled, never rejected); lookups do not wait for it */
  stored: Promise<void>;
}

/** The current stored row of `unifiedId`, or undefined. */
export async function storedRow(store: Pick<Store, 'read'>, unifiedId: string): Promise<ProfileRow | undefined> {
  return (await store.read(HIT, [unifiedId]))[0];
}

/** Stores a row built by the profile statement (its `version` column says from which version). */
export function storeRow(store: Pick<Store, 'record'>, unifiedId: string, built: ProfileRow): Promise<void> {
  const args = [unifiedId, Number(built.version), ...SECTION_COLUMNS.map((c) => built[c] as InValue)];
  // Best effort: `record` never waits for a batch (journaled while the writer is busy), and a failed
  // store (a read-only database, a server gone) only means the next lookup builds the row again.
  return store.record({ sql: STORE, args }).catch(() => undefined);
}

/** The profile statement's row for `unifiedId` through `modelSql` (modelStatement): the stored row when current, else built now and stored. */
export async function modelRow(store: Pick<Store, 'read' | 'record'>, unifiedId: string, modelSql: string): Promise<ModelRead> {
  const row = (await store.read(modelSql, [unifiedId]))[0]!;
  if (Number(row.hit) === 1) return { row, hit: true, stored: Promise.resolve() };
  // A root with no customers (an id that is not a root) has nothing worth keeping.
  const stored = row.grp === '[]' || row.grp == null ? Promise.resolve() : storeRow(store, unifiedId, row);
  return { row, hit: false, stored };
}
