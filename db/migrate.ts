import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/libsql/migrator';
import Database from 'libsql';
import type { Store } from './client.ts';

/**
 * The lock instances take before migrating. drizzle's migrator takes none: instances started together
 * would all read "nothing applied" and all run the same migrations. This table is made here, not by a
 * migration, because it has to exist before the first migration runs; `CREATE TABLE IF NOT EXISTS` is
 * safe to race (the database serialises DDL). One row per lock name; a holder that dies leaves a row
 * whose expiry passes, and the next instance takes it over.
 */
const LOCK_TABLE = 'user360_locks';
const MIGRATIONS_TABLE = '__drizzle_migrations';
const LEASE_MS = 30_000;
const RENEW_MS = 5_000;
const POLL_MS = 100;
/** The longest an instance waits behind another's migration that keeps the write lock busy (1M customers: ~4 min). */
const BUSY_WAIT_MS = 30 * 60_000;

const isBusy = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
};

export interface MigrateHooks {
  /** Called just before the first attempt at the lock. */
  trying?: () => void;
  /** Called with the lock held, before migrating (tests hold it here to make the race certain). */
  locked?: () => Promise<void>;
  /** Called each time an attempt finds the write lock busy past the busy timeout. */
  busy?: () => void;
  /** How long to wait for another instance's lock before giving up; default 2 minutes. */
  waitMs?: number;
}

/** Applies pending migrations under the database lock; resolves with how many this call applied. */
export async function migrateUnderLock(store: Store, migrationsFolder: string, hooks: MigrateHooks = {}): Promise<{ applied: number }> {
  if (await upToDate(store, migrationsFolder)) return { applied: 0 };
  const { client } = store;
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  const lockTable = `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)`;
  const claim = `INSERT INTO ${LOCK_TABLE} (name, owner, expires_at) VALUES ('migrate', ?, ?)
              ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
              WHERE ${LOCK_TABLE}.expires_at < ?`;
  const attempt = async (args: [string, number, number]): Promise<number> => {
    if (!store.file) {
      await client.execute(lockTable);
      return (await client.execute({ sql: claim, args })).rowsAffected;
    }
    // On an embedded file each attempt runs on a native connection of its own, closed after it, and
    // as run() (no RETURNING, so no row iterator). A statement of @libsql/client's file connection that
    // fails with SQLITE_BUSY keeps its read snapshot until V8 collects its row iterator: every later
    // attempt on that connection then fails at once (SQLITE_BUSY, then SQLITE_BUSY_SNAPSHOT once the
    // holder has committed), 80-odd times in 12 s here, and on a loaded machine the instance came up
    // as late as 28 s after the holder let go. Each attempt here waits the busy timeout instead.
    const conn = new Database(store.file, { timeout: 10_000 });
    try {
      conn.exec(lockTable);
      return conn.prepare(claim).run(args).changes;
    } finally {
      conn.close();
    }
  };
  const take = async (): Promise<'taken' | 'held' | 'busy'> => {
    try {
      const now = Date.now();
      return (await attempt([owner, now + LEASE_MS, now])) === 1 ? 'taken' : 'held';
    } catch (e) {
      // Another instance holds the database's write lock past our busy timeout. On an embedded file
      // that is an instance migrating: the migration runs synchronously, so its lease cannot be
      // renewed and may lapse, but the file lock it holds shows it is alive (a dead process's lock is
      // released by the OS). Wait for it rather than fail the start-up.
      if (isBusy(e)) {
        hooks.busy?.();
        return 'busy';
      }
      throw e;
    }
  };
  hooks.trying?.();
  const waitMs = hooks.waitMs ?? 120_000;
  const started = Date.now();
  let deadline = started + waitMs;
  for (;;) {
    const got = await take();
    if (got === 'taken') break;
    // Busy is progress by the holder, so the wait starts again, up to BUSY_WAIT_MS in all.
    if (got === 'busy') deadline = Math.min(Math.max(deadline, Date.now() + waitMs), started + BUSY_WAIT_MS);
    if (Date.now() > deadline) throw new Error('another instance has held the migration lock for too long; is one stuck migrating?');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // A long migration keeps its lease; a holder that dies stops renewing and loses it.
  const renew = setInterval(() => {
    void client
      .execute({ sql: `UPDATE ${LOCK_TABLE} SET expires_at = ? WHERE name = 'migrate' AND owner = ?`, args: [Date.now() + LEASE_MS, owner] })
      .catch(() => undefined);
  }, RENEW_MS);
  renew.unref();
  try {
    await hooks.locked?.();
    const before = await appliedCount(store);
    await migrate(store.db, { migrationsFolder });
    return { applied: (await appliedCount(store)) - before };
  } finally {
    clearInterval(renew);
    await client.execute({ sql: `DELETE FROM ${LOCK_TABLE} WHERE name = 'migrate' AND owner = ?`, args: [owner] }).catch(() => undefined);
  }
}

async function appliedCount(store: Store): Promise<number> {
  try {
    const r = await store.client.execute(`SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`);
    return Number(r.rows[0]!.n);
  } catch {
    return 0; // no migrations table yet: nothing applied
  }
}

/**
 * Nothing to apply, by drizzle's own rule: it applies each journal entry whose `when` is later than the
 * newest applied migration's `created_at`. Every start of the service and every terminal command
 * opens the store, and a store already migrated (nearly always) then needs one read instead of the
 * lock's two writes and reading and hashing every migration file. Anything else takes the lock.
 */
async function upToDate(store: Store, migrationsFolder: string): Promise<boolean> {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { when: number }[] };
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    const r = await store.client.execute(`SELECT created_at FROM ${MIGRATIONS_TABLE} ORDER BY created_at DESC LIMIT 1`);
    return r.rows.length === 1 && Number(r.rows[0]!.created_at) >= newest;
  } catch {
    return false; // no migrations table yet
  }
}
