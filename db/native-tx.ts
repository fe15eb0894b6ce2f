// The file driver's entry: the same LibsqlError class @libsql/client exports (both re-export @libsql/core), without its server drivers.
import { LibsqlError, type InArgs, type InStatement, type InValue, type ResultSet, type Transaction } from '@libsql/client/sqlite3';
import type Database from 'libsql';

/**
 * Write transactions on an embedded file, on one native connection of their own. It answers like a
 * @libsql/client transaction (rows readable by index and by column name, integers as numbers, the
 * same errors), so drizzle and the hand-written statements run on it unchanged, but it prepares each
 * distinct statement once: bulk ingest runs the same few statements thousands of times, and preparing
 * them again each time cost about a tenth of the whole load.
 */
export class NativeWriter {
  private readonly statements = new Map<string, Prepared>();
  // A native connection used after close() aborts the process (a panic in the binding), so every
  // use checks this first: a job still running when the service stops gets an error instead.
  private closed = false;
  private sliceStart = 0;

  constructor(readonly db: Database.Database) {}

  /**
   * Gives the event loop a turn once this transaction has held it for SLICE_MS. Each statement runs
   * synchronously in the binding, so a 2,000-record batch would otherwise hold every request (its
   * signature check, a lookup's read on the reader connection, the answer) for the whole batch. The
   * transaction keeps the write lock across the turn: other writes of this process wait in the store's
   * queue, reads see the last commit (WAL), so nothing another request does can see or split it.
   */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await new Promise((resolve) => realSetImmediate(resolve));
    this.sliceStart = performance.now();
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.check();
    // IMMEDIATE takes the write lock now, so another process's writer waits here (busy timeout)
    // instead of failing halfway through on the upgrade from a read lock.
    this.db.exec('BEGIN IMMEDIATE');
    this.sliceStart = performance.now();
    const tx = new NativeTransaction(this);
    try {
      const result = await fn(tx as unknown as Transaction);
      this.check();
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      if (!this.closed && this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    } finally {
      tx.closed = true;
    }
  }

  execute(stmt: InStatement): ResultSet {
    this.check();
    const { sql, args } = typeof stmt === 'string' ? { sql: stmt, args: [] as InArgs } : { sql: stmt.sql, args: stmt.args ?? [] };
    try {
      const p = this.prepared(sql);
      const bound = Array.isArray(args) ? args.map(toSql) : Object.fromEntries(Object.entries(args).map(([k, v]) => [/^[@$:]/.test(k) ? k.slice(1) : k, toSql(v)]));
      if (!p.columns) {
        const info = p.stmt.run(bound);
        return result([], [], info.changes, BigInt(info.lastInsertRowid));
      }
      const columns = p.columns;
      const rows = (p.stmt.all(bound) as unknown[][]).map((raw) => rowFromSql(raw, columns));
      return result(columns, p.columnTypes!, 0, undefined, rows);
    } catch (e) {
      throw toLibsqlError(e);
    }
  }

  close() {
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  check() {
    if (this.closed) throw new LibsqlError('The store is closed', 'CLIENT_CLOSED');
  }

  private prepared(sql: string): Prepared {
    const hit = this.statements.get(sql);
    if (hit) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.statements.delete(sql);
      this.statements.set(sql, hit);
      return hit;
    }
    const stmt = this.db.prepare(sql);
    stmt.safeIntegers(true);
    let p: Prepared;
    try {
      stmt.raw(true);
      const cols = stmt.columns();
      p = { stmt, columns: cols.map((c) => c.name), columnTypes: cols.map((c) => c.type ?? '') };
    } catch {
      // raw() throws for a statement that returns no rows.
      p = { stmt };
    }
    this.statements.set(sql, p);
    // Statements built with IN lists of every length would otherwise pile up for ever.
    if (this.statements.size > MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    return p;
  }
}

const MAX_STATEMENTS = 256;
// Taken at import, so a test that fakes timers cannot leave a transaction waiting for its turn for ever.
const realSetImmediate = globalThis.setImmediate;
/** Longest stretch a write transaction holds the event loop between two statements. */
const SLICE_MS = 4;

interface Prepared {
  stmt: Database.Statement;
  columns?: string[];
  columnTypes?: string[];
}

class NativeTransaction {
  closed = false;

  constructor(private readonly writer: NativeWriter) {}

  async execute(stmt: InStatement): Promise<ResultSet> {
    this.check();
    const result = this.writer.execute(stmt);
    await this.writer.pause();
    return result;
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    this.check();
    const results: ResultSet[] = [];
    for (const s of stmts) {
      this.check();
      results.push(this.writer.execute(s));
      await this.writer.pause();
    }
    return results;
  }

  async executeMultiple(sql: string): Promise<void> {
    this.check();
    this.writer.check();
    this.writer.db.exec(sql);
  }

  // The transaction is settled by NativeWriter.transaction when its callback returns or throws.
  async commit(): Promise<void> {}
  async rollback(): Promise<void> {
    throw new LibsqlError('throw from the write callback to roll back', 'TRANSACTION_CLOSED');
  }
  close(): void {}

  private check() {
    if (this.closed) throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
  }
}

function result(columns: string[], columnTypes: string[], rowsAffected: number, lastInsertRowid: bigint | undefined, rows: ResultSet['rows'] = []): ResultSet {
  return {
    columns, columnTypes, rows, rowsAffected, lastInsertRowid,
    toJSON: () => ({ columns, columnTypes, rows: rows.map((r) => Array.from(r as ArrayLike<unknown>)), rowsAffected, lastInsertRowid: lastInsertRowid?.toString() ?? null }),
  };
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A row as @libsql/client builds it: values at non-enumerable indexes, columns as enumerable names. */
function rowFromSql(raw: unknown[], columns: string[]): ResultSet['rows'][number] {
  const row = {} as Record<string | number, unknown>;
  Object.defineProperty(row, 'length', { value: raw.length });
  for (let i = 0; i < raw.length; i++) {
    const value = fromSql(raw[i]);
    Object.defineProperty(row, i, { value });
    const column = columns[i]!;
    if (!Object.hasOwn(row, column)) Object.defineProperty(row, column, { value, enumerable: true, configurable: true, writable: true });
  }
  return row as unknown as ResultSet['rows'][number];
}

function fromSql(v: unknown): unknown {
  if (typeof v === 'bigint') {
    if (v < MIN_SAFE || v > MAX_SAFE) throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    return Number(v);
  }
  if (v instanceof Buffer) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
  return v;
}

function toSql(v: InValue | undefined): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (v instanceof Date) return v.valueOf();
  if (v === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return v;
}

function toLibsqlError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof LibsqlError || !('code' in e)) return e;
  const raw = e as Error & { code: string; rawCode?: number };
  return new LibsqlError(raw.message, raw.code, raw.code, raw.rawCode, raw);
}
