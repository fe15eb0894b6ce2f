import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';

/** A fresh libSQL file with the real migrations, removed when the test file ends. */
export async function createTestStore(): Promise<Store> {
  return (await createTestDb()).store;
}

/** The same, with its URL, for tests that open a second connection as another instance would. */
export async function createTestDb(): Promise<{ store: Store; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'user360-test-'));
  const url = `file:${join(dir, 'test.db')}`;
  const store = createStore(url);
  await prepareDatabase(store);
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, url };
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
