import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTestDb } from './support/db.ts';

const run = promisify(execFile);
// A file, or a sqld of its own on the sqld project: the CLI opens whichever DATABASE_URL names.
const { url, dir } = await createTestDb();
const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' };
/** The real bin script, as `npx user360 …` runs it. */
const cli = (...args: string[]): Promise<{ stdout: string; stderr: string; code?: number }> =>
  run(process.execPath, ['bin/user360.js', ...args], { env }).catch((e: { stdout: string; stderr: string; code: number }) => e);

describe('npx user360', () => {
  it('imports NDJSON, prints a lookup, masks it for a viewer, and lists the audit', async () => {
    const file = join(dir, 'in.ndjson');
    writeFileSync(
      file,
      [
        { type: 'identify', id: 'cli-1', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: 'cli-1001', email: 'Cli.User@Example.com', phone: '0912 345 678' }, traits: { name: 'Cli User' } },
        { type: 'kyc', id: 'cli-k1', timestamp: '2026-11-21T10:00:00+08:00', identifiers: { external_id: 'cli-1001' }, status: 'verified', risk_score: 76, document_id: 'A123456789' },
        { type: 'transaction', id: 'cli-t1', timestamp: '2026-11-21T10:00:00+08:00', identifiers: { external_id: 'cli-1001' }, chain: 'tron', token: 'USDT', amount: '12.5', usdt_value: '12.5', direction: 'in' },
      ].map((r) => JSON.stringify(r)).join('\n'),
    );
    const imported = await cli('import', file, '--no-progress');
    expect(imported.stdout, imported.stderr).toContain('Imported 3 new record(s)');
    const again = await cli('import', file, '--no-progress');
    expect(again.stdout).toContain('Imported 0 new record(s), 3 already stored');

    const full = await cli('lookup', 'cli.user@example.com');
    expect(full.stdout, full.stderr).toContain('Cli User');
    expect(full.stdout).toContain('cli.user@example.com');
    expect(full.stdout).toContain('A123456789');
    expect(full.stdout).toMatch(/verified/);
    expect(full.stdout).toContain('12.50 USDT');

    const masked = await cli('lookup', 'Cli.User@example.com', '--as', 'viewer');
    expect(masked.stdout).toContain('c***@example.com');
    expect(masked.stdout).toContain('+886 9** *** 678');
    expect(masked.stdout).toContain('******6789');
    // Every piece of personal data, not only the name (the identifier typed included).
    for (const secret of ['Cli User', 'cli.user@example.com', 'Cli.User', 'A123456789', '912 345', '912345678']) expect(masked.stdout).not.toContain(secret);

    const audit = await cli('audit', '--since', '1h');
    expect(audit.stdout).toContain('cli');
    expect(audit.stdout).toContain('(masked)');
  }, 120_000);

  it('creates an API key and prints it as the last line', async () => {
    const r = await cli('keys', 'create', 'kyc-provider');
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^u360_[\w-]{43}$/);
    const dup = await cli('keys', 'create', 'kyc-provider');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
  }, 60_000);

  it('explains a bad identifier, an unknown customer and a bad import line without a stack trace', async () => {
    const unknown = await cli('lookup', 'nobody@example.com');
    expect(unknown.stdout).toContain('No customer found for email nobody@example.com');
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, `${JSON.stringify({ type: 'identify', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: 'ok@example.com' } })}\n{"type":"identify","timestamp":"2026-11-20T10:00:00+08:00","identifiers":{"phone":"12"}}\n`);
    const r = await cli('import', bad, '--no-progress');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2: identifiers.phone');
    expect(r.stderr).not.toContain('    at ');
    const split = await cli('split', 'u_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(split.code).toBe(1);
    expect(split.stderr).toContain('no customer u_01ARZ3NDEKTSV4RRFFQ69G5FAV');
  }, 120_000);

  it('stops on bad configuration naming the setting', async () => {
    const r = await run(process.execPath, ['bin/user360.js', 'metrics'], { env: { ...env, PORT: 'eighty', DEFAULT_PHONE_REGION: 'XX' } }).catch((e) => e);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('DEFAULT_PHONE_REGION');
  }, 60_000);
});
