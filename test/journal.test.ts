import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createStore, prepareDatabase, type Store } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';
import { writeAudit } from '../src/access/audit.ts';
import { createTestDb, testBackend, writeLockProbe } from './support/db.ts';

const entry = (callerId: string, i = 0) => ({ at: 1_700_000_000_000 + i, platform: 'api' as const, callerId, command: `lookup ${i}` });
const rowsOf = async (store: Store, callerId: string) => (await store.db.select({ n: count() }).from(auditLog).where(eq(auditLog.callerId, callerId)))[0]!.n;
/** A no-op write queued now finishes after every write queued before it, journal flushes included. */
const settle = (store: Store) => store.write(async () => undefined);

/** Holds a write transaction open until `release()`; `inside` resolves once it is. */
function holdWrite(store: Store) {
  let release!: () => void;
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  const done = store.write(async () => {
    entered();
    await new Promise<void>((r) => (release = r));
  });
  return { inside, done, release: () => release() };
}

describe('audit rows while a write transaction runs', () => {
  it('are recorded without waiting for the transaction, and inserted once it commits', async () => {
    const { store } = await createTestDb();
    const held = holdWrite(store);
    await held.inside;
    let recorded = false;
    const audit = Promise.all([0, 1, 2].map((i) => writeAudit(store, entry('during', i)))).then(() => (recorded = true));
    // On an embedded file the rows go to the journal at once, with the transaction still open; on a
    // libSQL server the server orders the writes, so they wait for it like any other write.
    await Promise.race([audit, new Promise((r) => setTimeout(r, 300))]);
    if (testBackend === 'file') {
      expect(recorded).toBe(true);
      expect(readdirSync(store.journalDir!).length).toBe(1);
    } else expect(recorded).toBe(false);
    held.release();
    await held.done;
    await audit;
    await settle(store);
    expect(await rowsOf(store, 'during')).toBe(3);
  });

  it('go straight to the table when nothing else is writing', async () => {
    const { store } = await createTestDb();
    await writeAudit(store, entry('idle'));
    expect(await rowsOf(store, 'idle')).toBe(1);
    if (store.journalDir) expect(existsSync(store.journalDir) ? readdirSync(store.journalDir) : []).toEqual([]);
  });
});

describe.skipIf(testBackend === 'sqld')('the journal of a process that is gone (embedded file)', () => {
  it('is inserted by the next start, once, and removed', async () => {
    const { store, url, dir } = await createTestDb();
    store.close();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/journal-crash.ts', url, '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const signal = await new Promise((r) => child.on('exit', (_code, sig) => r(sig)));
    expect(out).toContain('recorded');
    expect(signal).toBe('SIGKILL');
    const journals = join(dir, 'test.db-journal');
    expect(readdirSync(journals)).toHaveLength(1);
    // A copy of it, as if a crash had come after its rows were inserted but before it was emptied.
    const [name] = readdirSync(journals);
    copyFileSync(join(journals, name!), join(dir, 'copy.ndjson'));

    const again = await createStore(url);
    expect(await prepareDatabase(again)).toMatchObject({ replayed: 5, failedJournals: 0 });
    expect(await rowsOf(again, 'crash-test')).toBe(5);
    expect(readdirSync(journals)).toEqual([]);

    copyFileSync(join(dir, 'copy.ndjson'), join(journals, '1.replayed-before.closed.ndjson'));
    // A torn last line: the process died in the middle of writing it.
    appendFileSync(join(journals, '1.replayed-before.closed.ndjson'), '["INSERT INTO audit_log (at');
    expect(await prepareDatabase(again)).toMatchObject({ replayed: 5, failedJournals: 0 });
    expect(await rowsOf(again, 'crash-test')).toBe(5);
    again.close();
  });

  it('is kept for the next start when a store closes with rows pending, and a live process keeps its own', async () => {
    const { store, url, dir } = await createTestDb();
    const held = holdWrite(store);
    await held.inside;
    await writeAudit(store, entry('closed', 1));
    await writeAudit(store, entry('closed', 2));
    store.close();
    held.release();
    await expect(held.done).rejects.toThrow(/closed/);
    const journals = join(dir, 'test.db-journal');
    expect(readdirSync(journals)).toEqual([expect.stringMatching(/\.closed\.ndjson$/)]);
    // This process is alive: its open journal (another store's) is not taken over.
    writeFileSync(join(journals, `${process.pid}.live.ndjson`), `${JSON.stringify(['INSERT INTO audit_log (at, platform, caller_id, command) VALUES (?, ?, ?, ?)', [1, 'api', 'live', 'x']])}\n`);
    const again = await createStore(url);
    expect(await prepareDatabase(again)).toMatchObject({ replayed: 2, failedJournals: 0 });
    expect(await rowsOf(again, 'closed')).toBe(2);
    expect(await rowsOf(again, 'live')).toBe(0);
    expect(readdirSync(journals)).toEqual([`${process.pid}.live.ndjson`]);
    again.close();
  });

  it('that no longer applies is set aside, and the database still opens', async () => {
    const { store, url, dir } = await createTestDb();
    store.close();
    const journals = join(dir, 'test.db-journal');
    const again = await createStore(url);
    await prepareDatabase(again);
    await again.write(async () => undefined);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(journals, { recursive: true });
    writeFileSync(join(journals, '1.old.closed.ndjson'), `${JSON.stringify(['INSERT INTO no_such_table (x) VALUES (?)', [1]])}\n`);
    expect(await prepareDatabase(again)).toMatchObject({ replayed: 0, failedJournals: 1 });
    expect(readdirSync(journals)).toEqual(['1.old.failed']);
    expect(await prepareDatabase(again)).toMatchObject({ replayed: 0, failedJournals: 0 });
    again.close();
  });
});

describe.skipIf(testBackend === 'sqld')('a long write transaction on an embedded file', () => {
  it('gives the event loop turns between its statements', async () => {
    const { store } = await createTestDb();
    let ticks = 0;
    let writing = false;
    let ticksWhileWriting = 0;
    const timer = setInterval(() => {
      ticks++;
      if (writing) ticksWhileWriting++;
    }, 1);
    const probe = writeLockProbe(store);
    let lockSeenHeld = false;
    await store.write(async (tx) => {
      writing = true;
      const started = performance.now();
      // Statements until the loop has had a few turns with the lock held (or 10 s: then it never did).
      for (let i = 0; (ticksWhileWriting < 3 || !lockSeenHeld) && performance.now() - started < 10_000; i++) {
        await tx.$client.execute({ sql: 'INSERT INTO audit_log (at, platform, caller_id, command) VALUES (?, ?, ?, ?)', args: [i, 'api', 'slices', 'x'] });
        if (ticksWhileWriting > 0 && !lockSeenHeld) {
          // The turn came while the transaction still held the write lock.
          lockSeenHeld = probe.held();
        }
      }
      writing = false;
    });
    clearInterval(timer);
    probe.close();
    expect(ticksWhileWriting).toBeGreaterThanOrEqual(3);
    expect(lockSeenHeld).toBe(true);
    expect(ticks).toBeGreaterThanOrEqual(ticksWhileWriting);
  });
});
