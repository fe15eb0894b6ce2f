import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStore, migrationsFolder } from '../db/client.ts';
import { migrateUnderLock } from '../db/migrate.ts';
import { emptyTestDbUrl, testBackend } from './support/db.ts';

const run = promisify(execFile);
const journal = JSON.parse(readFileSync(new URL('../db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };

describe('instances started together on one empty database', () => {
  it('apply the migrations exactly once, under the lock, and all come up', async () => {
    const { url, dir } = await emptyTestDbUrl();
    const barrier = join(dir, 'barrier');
    mkdirSync(barrier);
    const n = 3;
    const env = { ...process.env, START_AT: String(Date.now() + 3000) };
    const outs = await Promise.all(
      Array.from({ length: n }, () => run(process.execPath, ['--import', 'tsx', 'test/support/migrate-worker.ts', url, barrier, String(n)], { env })),
    );
    const r = outs.map((o) => JSON.parse(o.stdout) as { applied: number; customers: number; tried: number; locked: number; ready: number });
    expect(r.map((x) => x.customers), 'every instance sees the schema').toEqual(Array(n).fill(0));
    expect(r.map((x) => x.applied).sort(), JSON.stringify(r)).toEqual([...Array(n - 1).fill(0), journal.entries.length]);
    const first = r.find((x) => x.applied > 0)!;
    // The race happened: every instance tried the lock before the first one released it.
    for (const x of r) expect(x.tried).toBeLessThan(first.ready);
    for (const x of r.filter((y) => y !== first)) expect(x.locked).toBeGreaterThanOrEqual(first.ready - 50);
    const store = await createStore(url);
    const rows = await store.client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
    expect(Number(rows.rows[0]!.n)).toBe(journal.entries.length);
    store.close();
  }, 60_000);
});

describe('a store that is already migrated', () => {
  // Planted: upToDate() comparing with `>` instead of `>=` → the second run takes the lock and this fails;
  // upToDate() returning true whatever the journal says → nothing is ever applied, not even to an empty store.
  it('opens without taking the lock, and a migration added since is still applied under it', async () => {
    const { url, dir } = await emptyTestDbUrl();
    // A release one migration behind this one: the same folder with the newest journal entry left out.
    const older = join(dir, 'migrations');
    cpSync(migrationsFolder, older, { recursive: true });
    const full = JSON.parse(readFileSync(join(older, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    writeFileSync(join(older, 'meta/_journal.json'), JSON.stringify({ ...full, entries: full.entries.slice(0, -1) }));
    const store = await createStore(url);
    try {
      let tried = 0;
      const hooks = { trying: () => void tried++ };
      expect(await migrateUnderLock(store, older, hooks)).toEqual({ applied: journal.entries.length - 1 });
      expect(tried, 'an empty store migrates under the lock').toBe(1);
      expect(await migrateUnderLock(store, older, hooks), 'nothing new').toEqual({ applied: 0 });
      expect(tried, 'up to date: no lock taken').toBe(1);
      expect(await migrateUnderLock(store, migrationsFolder, hooks), 'the newer release').toEqual({ applied: 1 });
      expect(tried, 'a pending migration is applied under the lock').toBe(2);
      expect(await migrateUnderLock(store, migrationsFolder, hooks)).toEqual({ applied: 0 });
      expect(tried).toBe(2);
    } finally {
      store.close();
    }
  }, 60_000);
});

describe.runIf(testBackend === 'file')('an instance starting while another migrates a large embedded file', () => {
  // At 1M customers the migration holds the file's write lock for minutes, synchronously, so its 30 s
  // lease lapses unrenewed. Planted: take() rethrowing SQLITE_BUSY → this start-up fails with it;
  // the busy answer not extending the wait → it fails with "held the migration lock for too long";
  // the attempts on the store's own client connection (as before 2026-12-02) → after the first busy
  // answer every attempt can fail at once (81 busy answers in one run instead of 1 or 2; only while V8
  // has not yet collected the failed statement, so not every run), and on a loaded machine
  // it came up up to 28 s after the holder let go (a CI run timed out on it).
  it('waits behind the busy write lock and then comes up, instead of failing', async () => {
    const { url, dir } = await emptyTestDbUrl();
    const holdMs = 12_000; // longer than the store's 10 s busy timeout, and than waitMs below
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/write-lock-holder.ts', join(dir, 'test.db'), String(holdMs)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    while (!out.includes('held') && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    const store = await createStore(url);
    try {
      let tried = 0;
      let busy = 0;
      const hooks = { trying: () => void (tried = Date.now()), busy: () => void busy++, waitMs: 1_000 };
      const result = await migrateUnderLock(store, migrationsFolder, hooks);
      const done = Date.now();
      expect(await exited).toBe(0);
      const released = Number(/released (\d+)/.exec(out)![1]);
      // The overlap happened: this instance tried while the other held the write lock, and finished after it let go.
      expect(tried).toBeLessThan(released);
      expect(done).toBeGreaterThanOrEqual(released);
      // Each attempt waited out the 10 s busy timeout (the hold is 12 s), rather than failing at once.
      expect(busy).toBeGreaterThanOrEqual(1);
      expect(busy).toBeLessThanOrEqual(2);
      expect(result).toEqual({ applied: journal.entries.length });
      const rows = await store.client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
      expect(Number(rows.rows[0]!.n)).toBe(journal.entries.length);
    } finally {
      child.kill();
      store.close();
    }
  }, 120_000);
});
