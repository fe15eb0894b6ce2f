import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import Database from 'libsql';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { startSqld } from './sqld.ts';

/**
 * Which store the suite runs on: `file` (default) or `sqld`, set by the vitest project (see
 * vitest.config.ts). On `sqld` every test database is a real libSQL server of its own.
 */
export const testBackend = process.env.USER360_TEST_DB === 'sqld' ? 'sqld' : 'file';

const urls = new WeakMap<Store, string>();

// What the file's test databases leave behind, undone when the file ends. Registered once, while the
// file is collected: an afterAll registered later, from inside a test or a beforeAll, never runs, and
// every sqld started there was left running (54 of them after one targeted run of 24 files).
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

/**
 * A fresh database with the real migrations, removed when the test file ends (wherever it is made): a libSQL file in a
 * temporary folder, or (on the sqld project) its own sqld in one. One server per database keeps test
 * files apart without sqld's namespaces (a flag, an admin API and Host-header routing); it starts in
 * about 0.1–0.4 s. `url` is what another process (a worker, the CLI) opens to reach the same data.
 */
export async function createTestDb(): Promise<{ store: Store; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'user360-test-'));
  const server = testBackend === 'sqld' ? await startSqld({ dbPath: join(dir, 'db.sqld') }) : undefined;
  const url = server ? server.url : `file:${join(dir, 'test.db')}`;
  const store = await createStore(url);
  await prepareDatabase(store);
  urls.set(store, url);
  cleanups.push(async () => {
    store.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, url, dir };
}

/** An empty, unmigrated database of the suite's backend (for start-up tests), removed when the file ends. */
export async function emptyTestDbUrl(): Promise<{ url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'user360-test-'));
  const server = testBackend === 'sqld' ? await startSqld({ dbPath: join(dir, 'db.sqld') }) : undefined;
  cleanups.push(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: server ? server.url : `file:${join(dir, 'test.db')}`, dir };
}

export async function createTestStore(): Promise<Store> {
  return (await createTestDb()).store;
}

/** The URL a test store was opened with, for a second connection or another process. */
export function testDbUrl(store: Store): string {
  const url = urls.get(store);
  if (!url) throw new Error('not a store from createTestDb/createTestStore');
  return url;
}

export const testConfig = (env: Record<string, string> = {}) => parseConfig(env);

/** A clock tests can set; starts at the given instant. */
export function settableClock(start: string | number) {
  let now = typeof start === 'number' ? start : Date.parse(start);
  const clock = () => new Date(now);
  clock.set = (t: string | number) => void (now = typeof t === 'number' ? t : Date.parse(t));
  clock.advance = (ms: number) => void (now += ms);
  return clock;
}

/**
 * A second connection to an embedded test database that asks for the write lock without waiting:
 * `held()` is true while another connection (a batch in progress) holds it. Close it when done.
 */
export function writeLockProbe(store: Store) {
  const url = testDbUrl(store);
  if (!url.startsWith('file:')) throw new Error('the write-lock probe is for embedded files');
  const probe = new Database(url.slice('file:'.length), { timeout: 0 });
  return {
    held(): boolean {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return false;
      } catch (e) {
        if (/locked|busy/i.test(String(e))) return true;
        throw e;
      }
    },
    close: () => probe.close(),
  };
}
