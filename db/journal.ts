import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { InStatement, InValue } from '@libsql/client';

/**
 * Single-row writes that must not wait behind a batch (the audit row of every lookup). While this
 * process's writer is busy, such a statement is appended to a journal file instead and inserted once
 * the writer is free. The append is a plain write(2): the row is in the OS's hands before the caller
 * goes on, so it survives a crash of this process, the same guarantee the direct insert gives with
 * synchronous=NORMAL in WAL mode (only an OS crash or power loss can drop the last rows of either).
 *
 * A statement written here must be idempotent (the audit row carries a unique `ref` and does nothing
 * on conflict): a crash between the insert's commit and the journal's truncation replays the rows.
 *
 * Each process (each store) has a journal of its own, `<db file>-journal/<pid>.<id>.ndjson`; a
 * journal left by a process that is gone (or renamed `.closed` by a store closed with rows pending)
 * is replayed by the next store that opens the database (see `replayJournals`).
 */
export class Journal {
  private fd: number | undefined;
  private readonly path: string;
  private pending: InStatement[] = [];

  constructor(private readonly dir: string) {
    this.path = join(dir, `${process.pid}.${randomBytes(6).toString('hex')}.ndjson`);
  }

  get size(): number {
    return this.pending.length;
  }

  append(stmt: InStatement): void {
    const line = `${JSON.stringify(encode(stmt))}\n`;
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true });
      this.fd = openSync(this.path, 'a');
    }
    writeSync(this.fd, line);
    this.pending.push(stmt);
  }

  /** The rows to insert now; `flushed(n)` after they committed. */
  take(): InStatement[] {
    return this.pending.slice();
  }

  /** `n` rows from the front committed; the file is emptied once nothing is left in it. */
  flushed(n: number): void {
    this.pending = this.pending.slice(n);
    if (!this.pending.length && this.fd !== undefined) ftruncateSync(this.fd, 0);
  }

  /** Rows still pending stay on disk, marked for the next store that opens the database to insert. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    if (this.pending.length) renameSync(this.path, this.path.replace(/\.ndjson$/, '.closed.ndjson'));
    else rmSync(this.path, { force: true });
  }
}

/** The journals in `dir` whose writer is gone: a `.closed` one, or one whose process no longer runs. */
export function orphanJournals(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ndjson'))
    .filter((name) => name.endsWith('.closed.ndjson') || !alive(Number(name.split('.')[0])))
    .map((name) => join(dir, name));
}

/** The statements a journal file holds; a torn last line (the process died mid-write) is skipped. */
export function readJournal(path: string): InStatement[] {
  const out: InStatement[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(decode(JSON.parse(line)));
    } catch {
      // Only the last line can be torn: write(2) of one line is one call.
    }
  }
  return out;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type Encoded = [string, (string | number | null)[]];

function encode(stmt: InStatement): Encoded {
  if (typeof stmt === 'string') return [stmt, []];
  const args = Array.isArray(stmt.args) ? stmt.args : [];
  if (!Array.isArray(stmt.args) && stmt.args) throw new TypeError('journaled statements take positional arguments');
  return [stmt.sql, args.map((a: InValue) => {
    if (a === null || typeof a === 'string' || (typeof a === 'number' && Number.isFinite(a))) return a;
    throw new TypeError(`journaled statements take strings, finite numbers and null, not ${typeof a}`);
  })];
}

function decode(v: unknown): InStatement {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || !Array.isArray(v[1])) throw new TypeError('not a journal line');
  return { sql: v[0], args: v[1] as InValue[] };
}
