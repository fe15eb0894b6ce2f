import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { createTestDb } from './db.ts';

/**
 * The terminal under test: the real bin script as a child process. A non-zero exit resolves too, with
 * its `code`, so a test asserts on what the operator would read rather than on a thrown error.
 */
export interface CliResult {
  stdout: string;
  stderr: string;
  code?: number;
}
export type Cli = (...args: string[]) => Promise<CliResult>;

const run = promisify(execFile);
const bin = join(process.cwd(), 'bin/user360.js');

/** `npx user360 …` on the database at `url`, with `env` over this process's environment. */
export function cliAt(url: string, env: Record<string, string> = {}): Cli {
  const full = { ...process.env, ...env, DATABASE_URL: url, LOG_LEVEL: 'silent' };
  return (...args) => run(process.execPath, [bin, ...args], { env: full }).catch((e: CliResult & { code: number }) => e);
}

export interface CliOptions {
  /**
   * `file`: a libSQL file on both projects (the terminal's default store; the test migrates it itself
   * or lets the CLI do it). `suite`: the suite's backend (createTestDb), so the sqld project runs it on sqld.
   */
  backend: 'file' | 'suite';
  /** Settings for the CLI process (DATABASE_URL and LOG_LEVEL are set here). */
  env?: Record<string, string>;
}

/** A temporary database, a store on it for the test's own reads and writes, and a `cli()` on the same data. */
export async function cliOn(opts: CliOptions): Promise<{ store: Store; url: string; dir: string; cli: Cli }> {
  if (opts.backend === 'suite') {
    const db = await createTestDb();
    return { ...db, cli: cliAt(db.url, opts.env) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'user360-cli-'));
  const url = `file:${join(dir, 'cli.db')}`;
  const store = await createStore(url);
  await prepareDatabase(store);
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, url, dir, cli: cliAt(url, opts.env) };
}
