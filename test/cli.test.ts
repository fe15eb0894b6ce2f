import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTestDb } from './support/db.ts';

const run = promisify(execFile);
// A file, or a sqld of its own on the sqld project: the CLI opens whichever DATABASE_URL names.
const { url, dir } = await createTestDb();
const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' };
const bin = join(process.cwd(), 'bin/user360.js');
/** The real bin script, as `npx user360 …` runs it. */
const cli = (...args: string[]): Promise<{ stdout: string; stderr: string; code?: number }> =>
  run(process.execPath, [bin, ...args], { env }).catch((e: { stdout: string; stderr: string; code: number }) => e);
const cliIn = (cwd: string, extraEnv: Record<string, string | undefined>, ...args: string[]): Promise<{ stdout: string; stderr: string; code?: number }> =>
  run(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, cwd }).catch((e: { stdout: string; stderr: string; code: number }) => e);

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
    expect(masked.stdout).not.toContain('Cli User');

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

  it('never creates a database from a read command, and says where it looked', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'user360-cli-nodb-'));
    const noUrl = { ...env, DATABASE_URL: undefined };
    delete noUrl.DATABASE_URL;
    for (const args of [['lookup', 'alice@example.com'], ['metrics'], ['digest', 'preview'], ['keys', 'list'], ['audit']]) {
      const r = await run(process.execPath, [bin, ...args], { env: noUrl, cwd: empty }).catch((e) => e);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain('No database at ./data/user360.db (the default; DATABASE_URL is not set). Nothing was created.');
      expect(r.stderr).not.toContain('    at ');
    }
    const other = await cliIn(empty, { DATABASE_URL: `file:${join(empty, 'elsewhere', 'u.db')}` }, 'lookup', 'alice@example.com');
    expect(other.stderr).toContain(`No database at ${join(empty, 'elsewhere', 'u.db')}. Nothing was created.`);
    expect(readdirSync(empty), 'no data/ folder, no file').toEqual([]);
    // A command that stores something may start a new database.
    const made = await run(process.execPath, [bin, 'keys', 'create', 'first'], { env: noUrl, cwd: empty });
    expect(made.stdout).toContain('Created API key "first"');
    expect(existsSync(join(empty, 'data', 'user360.db'))).toBe(true);
  }, 180_000);

  it('speaks the terminal: its own usage, choices, --version, help text, no raw enums or stacks', async () => {
    const section = await cli('lookup', 'x', '--section', 'foo');
    expect(section.code).toBe(1);
    expect(section.stderr).toContain("argument 'foo' is invalid. Allowed choices are general, compliance, wallets, assetpro, transactions, purchases, device, tags, identifiers, tasks, card");
    expect(section.stderr).not.toMatch(/ZodError|"code":|    at /);
    const range = await cli('metrics', '8x');
    expect(range.code).toBe(1);
    expect(range.stderr).toContain('"8x" is not a range');
    expect(range.stderr).toContain('Usage: user360 metrics [options] [range]');
    expect(range.stderr + range.stdout, 'chat-only commands are not offered').not.toMatch(/roles|subscribe|\/user360/);
    expect((await cli('--version')).stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    for (const [cmd, words] of [['lookup', "a customer's whole profile"], ['import', 'bulk load an NDJSON file']] as const) {
      expect((await cli(cmd, '--help')).stdout, cmd).toContain(words);
    }
    const metrics = await cli('metrics', 'all');
    expect(metrics.stdout).toContain('low-medium');
    expect(metrics.stdout).not.toMatch(/low_medium|very_high/);
  }, 180_000);

  it('finds a phone written with the 00 international prefix, and keeps lines and columns tidy', async () => {
    const file = join(dir, 'wide.ndjson');
    const tasks = Array.from({ length: 12 }, (_, i) => ({ id: `T-${i + 1}`, name: `A rather long task name number ${i + 1}`, status: 'done' }));
    writeFileSync(file, [
      { type: 'identify', id: 'wide-1', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: 'wide-1', phone: '0933 222 111' }, traits: { name: 'Wide Columns', tags: Array.from({ length: 30 }, (_, i) => `tag-number-${i}`) } },
      { type: 'kyc', id: 'wide-k', timestamp: '2026-11-21T10:00:00+08:00', identifiers: { external_id: 'wide-1' }, status: 'pending', risk_score: 30, form_number: 'F-1', tasks },
      { type: 'purchase', id: 'wide-p', timestamp: '2026-11-21T10:00:00+08:00', identifiers: { external_id: 'wide-1' }, order_id: 'o-1', amount: '10', currency: 'TWD', items: [{ name: 'x', category: 'y', quantity: 1, price: '10' }] },
    ].map((r) => JSON.stringify(r)).join('\n'));
    expect((await cli('import', file, '--no-progress')).stdout).toContain('Imported 3 new record(s)');
    const r = await cli('lookup', '00886933222111');
    expect(r.stdout, r.stderr).toContain('Wide Columns');
    expect(r.stdout).toContain('low-medium');
    expect(r.stdout).not.toContain('low_medium');
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.length > 100), 'no line over 100 columns').toEqual([]);
    // Within a section every value starts in the same column, past its longest label ("Total (as of YYYY-MM-DD)").
    const purchases = lines.slice(lines.indexOf('Purchases') + 1, lines.indexOf('Recent device') - 1);
    const col = 2 + 'Total (as of 2026-11-24)'.length + 1;
    expect(purchases.length).toBeGreaterThan(5);
    for (const l of purchases) expect([l[col - 1], l[col] === ' '], l).toEqual([' ', false]);
  }, 180_000);

  it('writes the digest chart only when asked, and survives a closed pipe', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'user360-cli-png-'));
    const plain = await cliIn(cwd, {}, 'digest', 'preview');
    expect(plain.stdout).toContain('daily digest');
    expect(plain.stdout).toContain('add --png <file>');
    expect(readdirSync(cwd), 'no file written without --png').toEqual([]);
    const asked = await cliIn(cwd, {}, 'digest', 'preview', '--date', '2026-11-21', '--png', 'chart.png');
    expect(asked.stdout).toContain('Chart written to chart.png');
    expect(readFileSync(join(cwd, 'chart.png')).subarray(1, 4).toString()).toBe('PNG');
    const future = await cliIn(cwd, {}, 'digest', 'preview', '--date', '2999-01-01');
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('is in the future');

    // `digest preview | head -1`: the reader goes away after the first line.
    const child = spawn(process.execPath, [bin, 'digest', 'preview'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((r) => child.once('exit', r));
    expect(stderr).not.toMatch(/EPIPE|    at /);
    expect(code).toBe(0);
  }, 180_000);
});
