import type { Client, Config as ClientConfig, InStatement, InValue, Transaction } from '@libsql/client';
import Database from 'libsql';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
// drizzle over a client we made: this entry wraps any libSQL client and, unlike 'drizzle-orm/libsql',
// does not import @libsql/client's server drivers (see libsqlClient).
import { drizzle } from 'drizzle-orm/libsql/sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateUnderLock, type MigrateHooks } from './migrate.ts';
import { Journal, orphanJournals, readJournal } from './journal.ts';
import { NativeWriter } from './native-tx.ts';
import * as schema from './schema/index.ts';

/** drizzle over the client; `$client` is the raw libSQL client for the few hand-written hot statements. */
export type Db = LibSQLDatabase<typeof schema> & { $client: Client | Transaction };
/**
 * A write transaction: drizzle over the raw libSQL transaction, which stays reachable as `$client` for
 * the few hot statements that skip the query builder (bulk inserts in ingest).
 */
export type Tx = Db & { $client: Transaction };
/** Read helpers take either, so the same query serves a request and a job's transaction. */
export type Queryable = Db | Tx;

export interface Store {
  db: Db;
  client: Client;
  /**
   * Runs `fn` in one write transaction. Write transactions of this process are queued: an embedded
   * libSQL connection waits for the file lock synchronously, so two interleaved transactions in one
   * event loop would deadlock each other. Across processes and servers the database's own write lock
   * (BEGIN IMMEDIATE) serialises them; nothing here is relied on for that.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A read of a fixed, hand-written statement on the hot path (a lookup). On an embedded file it runs
   * on a read-only connection of its own with the statement prepared once: preparing the profile's
   * statements cost more than running them. On a libSQL server it is an ordinary query.
   */
  read(sql: string, args: InValue[]): Promise<Record<string, unknown>[]>;
  /** One statement as its own write transaction, in the same queue as `write`. */
  writeOne(stmt: InStatement): Promise<void>;
  /**
   * Runs `job` in this process's write turn, in the same queue as `write`: for a transaction that
   * another connection of this process makes (the ingest thread, src/ingest/thread.ts), so it never
   * waits for the file lock behind one of ours, nor one of ours behind it with the event loop blocked.
   */
  exclusive<T>(job: () => Promise<T>): Promise<T>;
  /**
   * An idempotent single-row insert on the request path (the audit row of a lookup). When this
   * process's writer is free it is `writeOne`; while a transaction runs on an embedded file it goes
   * to this store's journal (db/journal.ts) and is inserted right after, so a lookup never waits for
   * a batch to commit. On a libSQL server it is `writeOne`: the server orders writes, not this process.
   */
  record(stmt: InStatement): Promise<void>;
  /** An embedded replica (a local file synced from a server); the file takes no writes of ours. */
  replica: boolean;
  /** Where this store's journal and those of earlier processes on the same file live (embedded file only). */
  journalDir?: string;
  /** The file of a plain embedded database; undefined on a libSQL server, in memory and for an embedded replica. */
  file?: string;
  close(): void;
}

// Resolved from one folder below the project root, which holds for db/client.ts and for a bundle in dist/.
export const migrationsFolder = fileURLToPath(new URL('../db/migrations', import.meta.url));

export interface StoreOptions {
  /** Embedded replica: `url` is the local `file:` copy, this is the libSQL server that takes the writes. */
  syncUrl?: string;
  /** Seconds between background pulls from `syncUrl` (a caller's own writes are visible at once). */
  syncInterval?: number;
  /** Bound on each request to a libSQL server, so an unreachable server fails a request instead of hanging it. */
  timeoutMs?: number;
}

/**
 * The libSQL client for `url`. @libsql/client's main entry loads its WebSocket and HTTP drivers (the
 * hrana client, ws, a few dozen modules) whatever the URL; for a `file:` database, the terminal's
 * default, its file driver alone does the same work (the main entry hands `file:` URLs, embedded
 * replicas included, to this very driver) and a terminal lookup starts about a fifth sooner.
 */
async function libsqlClient(config: ClientConfig): Promise<Client> {
  const { createClient } = config.url.startsWith('file:') ? await import('@libsql/client/sqlite3') : await import('@libsql/client');
  return createClient(config);
}

export async function createStore(url: string, authToken?: string, opts: StoreOptions = {}): Promise<Store> {
  if (url.startsWith('file:') && !url.includes(':memory:')) {
    const path = url.slice('file:'.length).replace(/^\/\/(localhost)?/, '');
    mkdirSync(dirname(path), { recursive: true });
  }
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const client = await libsqlClient({
    url, authToken, timeout: 10_000,
    syncUrl: opts.syncUrl, syncInterval: opts.syncInterval,
    // @libsql/client has no request timeout for a server: without one a server that stops answering
    // (not refusing) holds every request and job for as long as the OS keeps the socket.
    fetch: (input: Request | string, init?: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
  const db = drizzle(client, { schema });
  let queue: Promise<unknown> = Promise.resolve();
  const inTransaction = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const raw = await client.transaction('write');
    try {
      const result = await fn(drizzle(raw as unknown as Client, { schema }) as unknown as Tx);
      await raw.commit();
      return result;
    } catch (e) {
      await raw.rollback().catch(() => undefined);
      throw e;
    } finally {
      raw.close();
    }
  };
  // sqld gives a write transaction 5 s once another connection waits for the lock, then rolls it
  // back (TRANSACTION_TIMEOUT); a busy lock answers SQLITE_BUSY. Both mean nothing was committed, so
  // the transaction runs again: write callbacks keep their state inside them for this reason.
  const onServer = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(fn);
      } catch (e) {
        if (attempt >= SERVER_WRITE_ATTEMPTS || !isAbortedBeforeCommit(e)) throw e;
        await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
      }
    }
  };
  // The native connections below are for a plain embedded file only. An embedded replica's file is
  // written by the replica's sync alone (writes go to the server), so it takes the client's paths.
  const filePath = url.startsWith('file:') && !url.includes(':memory:') && !opts.syncUrl ? url.slice('file:'.length).replace(/^\/\/(localhost)?/, '') : undefined;
  // Jobs queued or running: while there are any, `record` journals instead of queueing.
  let queued = 0;
  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    queued++;
    const run = queue.then(job).finally(() => void queued--);
    queue = run.catch(() => undefined);
    return run;
  };
  // On an embedded file, write transactions run on a native connection of their own that keeps its
  // prepared statements (see NativeWriter); a libSQL server gets the client's own transactions.
  let txWriter: NativeWriter | undefined;
  const onWriter = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    if (!txWriter) {
      const conn = new Database(filePath!, { timeout: 10_000 });
      // The default 2 MB page cache makes every insert into a large index a read from the OS; 32 MB
      // ingests as fast as 64 MB did (the OS page cache holds the rest) and counts against the
      // server's 256 MB goal half as much (BENCHMARKS.md, "Server memory after sustained ingest").
      conn.exec(`PRAGMA cache_size = -${WRITER_CACHE_KIB}`);
      // Checkpoint every ~40 MB of WAL instead of 4 MB: pages that many batches touch (index
      // interiors, counters) are copied back to the file once per checkpoint instead of each time.
      conn.exec('PRAGMA wal_autocheckpoint = 10000');
      txWriter = new NativeWriter(conn);
    }
    return txWriter.transaction((raw) => fn(drizzle(raw as unknown as Client, { schema }) as unknown as Tx));
  };
  const write = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => enqueue(() => (filePath ? onWriter(fn) : onServer(fn)));
  // Single-row writes on the request path (the audit row of every lookup) go through a connection of
  // their own with the statement prepared once and synchronous=NORMAL: in WAL mode a commit then waits
  // for no fsync; it survives a crash of the process, only an OS crash or power loss can drop the last
  // commits. They stay in the same queue as every other write of this process.
  let writer: Database.Database | undefined;
  const writes = new Map<string, Database.Statement>();
  const writeOne = (stmt: InStatement) =>
    enqueue(async () => {
      if (!filePath || typeof stmt === 'string') return void (await client.batch([stmt], 'write'));
      if (!writer) {
        writer = new Database(filePath, { timeout: 10_000 });
        writer.exec('PRAGMA synchronous = NORMAL');
      }
      let prepared = writes.get(stmt.sql);
      if (!prepared) writes.set(stmt.sql, (prepared = writer.prepare(stmt.sql)));
      prepared.run(stmt.args as unknown[]);
    });
  const journal = filePath ? new Journal(journalDir(filePath)) : undefined;
  let flushQueued = false;
  const flush = () =>
    enqueue(async () => {
      flushQueued = false;
      const rows = journal!.take();
      if (!rows.length) return;
      await onWriter(runAll(rows));
      journal!.flushed(rows.length);
    }).catch(() => {
      // The rows stay in the journal: the next record flushes them, and close() leaves them for the next start.
    });
  const record = async (stmt: InStatement): Promise<void> => {
    if (!journal || queued === 0 || typeof stmt === 'string') return writeOne(stmt);
    journal.append(stmt);
    if (!flushQueued) {
      flushQueued = true;
      void flush();
    }
  };
  let reader: Database.Database | undefined;
  const prepared = new Map<string, Database.Statement>();
  const read = async (sql: string, args: InValue[]): Promise<Record<string, unknown>[]> => {
    if (!filePath) return (await client.execute({ sql, args })).rows as unknown as Record<string, unknown>[];
    reader ??= new Database(filePath, { readonly: true });
    let stmt = prepared.get(sql);
    if (!stmt) prepared.set(sql, (stmt = reader.prepare(sql)));
    return stmt.all(args) as Record<string, unknown>[];
  };
  return {
    db, client, write, read, writeOne, record, exclusive: enqueue, replica: Boolean(opts.syncUrl),
    journalDir: filePath ? journalDir(filePath) : undefined,
    file: filePath,
    close: () => {
      journal?.close();
      reader?.close();
      writer?.close();
      txWriter?.close();
      client.close();
    },
  };
}

/**
 * Makes the database ready: WAL on an embedded file, then the pending migrations under a lock in the
 * database (db/migrate.ts), so instances started together on one server migrate once and all come up.
 */
export async function prepareDatabase(store: Store, hooks?: MigrateHooks): Promise<{ applied: number; replayed: number; failedJournals: number }> {
  if (store.client.protocol === 'file' && !store.replica) {
    // WAL lets lookups read while ingest writes; it is a property of the file, set once.
    await store.client.execute('PRAGMA journal_mode = WAL');
  }
  const migrated = await migrateUnderLock(store, migrationsFolder, hooks);
  return { ...migrated, ...(await replayJournals(store)) };
}

const journalDir = (filePath: string) => `${filePath}-journal`;

/** A write callback that runs journaled statements in order, in one transaction. */
const runAll = (rows: InStatement[]) => async (tx: Tx) => {
  for (const row of rows) await tx.$client.execute(row);
};

/**
 * Inserts what the journals of processes that are gone still hold (a crash, or a store closed with
 * rows pending), then removes them. Their statements are idempotent, so two instances replaying the
 * same journal at once, or a replay after a crash mid-flush, insert each row once. A journal that no
 * longer applies (written by an older version) is set aside as `.failed` and counted, never retried.
 */
export async function replayJournals(store: Store): Promise<{ replayed: number; failedJournals: number }> {
  let replayed = 0;
  let failedJournals = 0;
  for (const path of store.journalDir ? orphanJournals(store.journalDir) : []) {
    const rows = readJournal(path);
    try {
      await store.write(runAll(rows));
      replayed += rows.length;
      rmSync(path, { force: true });
    } catch {
      failedJournals++;
      if (existsSync(path)) renameSync(path, path.replace(/(\.closed)?\.ndjson$/, '.failed'));
    }
  }
  return { replayed, failedJournals };
}

const SERVER_WRITE_ATTEMPTS = 4;
/** The writer connection's page cache, in KiB. */
const WRITER_CACHE_KIB = 32 * 1024;
const ABORTED_BEFORE_COMMIT = new Set(['TRANSACTION_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

type ErrorLike = { message?: string; code?: string; name?: string; cause?: unknown };

/** drizzle and @libsql/client wrap errors; the code that says what happened can be a few causes down. */
function causes(e: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  for (let err = e as ErrorLike | undefined, i = 0; err && typeof err === 'object' && i < 8; err = err.cause as ErrorLike | undefined, i++) out.push(err);
  return out;
}

/** The server refused the transaction before committing anything (lock stolen or busy). */
function isAbortedBeforeCommit(e: unknown): boolean {
  return causes(e).some((c) => ABORTED_BEFORE_COMMIT.has(String(c.code)));
}

/**
 * The database could not be reached or answered nothing in time (connection refused or reset, the
 * request timeout, a server busy past our retries): the caller should try again later, so HTTP
 * answers 503 and jobs keep their rows for the next run.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  return causes(e).some(
    (c) =>
      ABORTED_BEFORE_COMMIT.has(String(c.code)) ||
      ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'STREAM_EXPIRED', 'HRANA_WEBSOCKET_ERROR'].includes(String(c.code)) ||
      c.name === 'TimeoutError' ||
      /fetch failed|database is locked/.test(String(c.message)),
  );
}

/** drizzle wraps driver errors, so the constraint name can be one `cause` down. */
export function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { message?: string; cause?: unknown } | undefined; err; err = err.cause as typeof err) {
    if (String(err.message).includes('UNIQUE constraint failed')) return true;
  }
  return false;
}

/** Rows per multi-row INSERT: amortises the statement while staying far below SQLite's variable limit. */
const ROWS_PER_INSERT = 200;

/**
 * Inserts many rows with plain SQL, a few hundred per statement: the hot path of bulk ingest, where
 * building each statement through the query builder cost more than running it.
 */
export async function insertMany(tx: Tx, table: string, columns: readonly string[], rows: readonly unknown[][], tail = ''): Promise<void> {
  const one = `(${columns.map(() => '?').join(',')})`;
  const head = `INSERT INTO ${table} (${columns.join(',')}) VALUES `;
  const statements: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    statements.push({ sql: `${head}${Array(chunk.length).fill(one).join(',')} ${tail}`, args: chunk.flat() as InValue[] });
  }
  for (const s of statements) await tx.$client.execute(s);
}
