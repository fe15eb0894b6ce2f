/**
 * `npx user360 import`: progress per batch that a person can read (records/s, ETA from lines), every
 * bad line reported in order even past the first bad batch, and an exact account of what was stored.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { importSummary } from '../src/cli/import-report.ts';
import { importNdjson, type ImportProgress } from '../commands/import.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'user360-import-'));
const identify = (i: number) => JSON.stringify({ type: 'identify', id: `imp-${i}`, timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: `imp-c-${i}` } });
const write = (name: string, lines: string[]) => {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

describe('import', () => {
  it('moves its progress once per batch of an automatic size, so 4,000 records are not 0% then 100%', async () => {
    const store = await createTestStore();
    const deps = { store, identity: testConfig().identity, clock: settableClock('2026-11-25T12:00:00+08:00') };
    const file = write('many.ndjson', Array.from({ length: 4000 }, (_, i) => identify(i)));
    const seen: ImportProgress[] = [];
    const r = await importNdjson(deps, file, { onProgress: (p) => seen.push(p) });
    expect(r.stored).toMatchObject({ throughLine: 4000, records: 4000, accepted: 4000 });
    expect(seen.length, 'updates').toBeGreaterThanOrEqual(20);
    expect(seen.every((p) => p.lines === 4000 && !p.checking)).toBe(true);
    expect(seen.map((p) => p.line)).toEqual([...seen.map((p) => p.line)].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ line: 4000, stored: 4000 });
    expect(importSummary(r).out).toMatch(/^Imported 4,000 new record\(s\), 0 already stored, 0 with only placeholder identifiers; [\d,]+ records\/s\.$/);
  });

  it('reports every bad line in order past the first bad batch, and says exactly what was stored', async () => {
    const store = await createTestStore();
    const deps = { store, identity: testConfig().identity, clock: settableClock('2026-11-25T12:00:00+08:00') };
    const lines = Array.from({ length: 10 }, (_, i) => identify(i));
    lines[4] = '{not json'; // line 5, in the second batch of 3
    lines[5] = JSON.stringify({ type: 'identify', timestamp: 'yesterday' }); // line 6: two problems
    lines[8] = JSON.stringify({ type: 'nope' }); // line 9, a later batch
    const file = write('bad.ndjson', lines);
    const seen: ImportProgress[] = [];
    const r = await importNdjson(deps, file, { batchSize: 3, onProgress: (p) => seen.push(p) });
    expect(r.stored).toEqual({ throughLine: 3, records: 3, accepted: 3, duplicates: 0, ignored: 0 });
    expect(r.badLines).toBe(3);
    expect(r.issues.map((i) => i.line)).toEqual([5, 6, 6, 9]);
    expect(seen.map((p) => p.checking)).toEqual([false, true, true, true]);
    const [{ n }] = (await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ingested_records`)) as [{ n: number }];
    expect(n, 'nothing stored after the first bad batch').toBe(3);
    const { err } = importSummary(r);
    expect(err).toContain('3 bad line(s) in 10:');
    expect(err).toContain('Stored lines 1–3: 3 new record(s), 0 already stored');
    expect(err).toContain('Not stored: lines 4–10');
    expect(err!.indexOf('line 5:')).toBeLessThan(err!.indexOf('line 6:'));
    expect(err!.indexOf('line 6:')).toBeLessThan(err!.indexOf('line 9:'));

    // Fixed and imported again: the first three are already stored, the rest go in once.
    lines[4] = identify(4);
    lines[5] = identify(5);
    lines[8] = identify(8);
    const again = await importNdjson(deps, write('fixed.ndjson', lines), { batchSize: 3 });
    expect(again.stored).toMatchObject({ throughLine: 10, accepted: 7, duplicates: 3 });
  });

  it('lists the first bad lines and counts the rest', async () => {
    const store = await createTestStore();
    const deps = { store, identity: testConfig().identity, clock: settableClock('2026-11-25T12:00:00+08:00') };
    const r = await importNdjson(deps, write('awful.ndjson', Array.from({ length: 80 }, () => '[')), { batchSize: 10, maxIssues: 50 });
    expect(r.issues).toHaveLength(50);
    expect(r.badLines).toBe(80);
    const { err } = importSummary(r);
    expect(err).toContain('… and more: 80 bad line(s) in all');
    expect(err).toContain('Stored nothing: the first batch already had a bad line.');
  });

  it('prints the account from the terminal, with exit code 1', async () => {
    const file = write('cli-bad.ndjson', [identify(100), identify(101), '{', identify(103)]);
    const r = await promisify(execFile)(process.execPath, ['bin/user360.js', 'import', file, '--no-progress', '--batch-size', '2'], {
      env: { ...process.env, DATABASE_URL: `file:${join(dir, 'cli.db')}`, LOG_LEVEL: 'silent' },
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(r).toMatchObject({ code: 1 });
    expect(r.stderr).toContain('line 3: (line): not valid JSON');
    expect(r.stderr).toContain('Stored lines 1–2: 2 new record(s)');
    expect(r.stderr).toContain('Not stored: lines 3–4');
  }, 60_000);
});
