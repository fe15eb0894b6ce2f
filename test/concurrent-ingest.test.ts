import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb } from './support/db.ts';
import { randomEvm, uniq } from './support/factories.ts';
import { barrierEnv } from './support/overlap.ts';

const run = promisify(execFile);

describe('concurrent ingest from two service processes', () => {
  it('ends with one customer when both link the same new identifiers at once', async () => {
    const { store, url, dir } = await createTestDb();
    const ids = Array.from({ length: 200 }, () => ({ email: `${uniq('c')}@example.com`, wallet: randomEvm() }));
    // Process A learns email+wallet together; process B learns the wallet with a new phone-less identity
    // and then the email, so either order must converge on one customer per person.
    const a = ids.map((x) => ({ type: 'identify', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: x.email, wallets: [{ chain: 'ethereum', address: x.wallet }] } }));
    const b = ids.flatMap((x) => [
      { type: 'transaction', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { wallets: [{ chain: 'bsc', address: x.wallet }] }, chain: 'bsc', token: 'USDT', amount: '1', usdt_value: '1', direction: 'in' },
      { type: 'identify', timestamp: '2026-11-20T10:00:01+08:00', identifiers: { email: x.email } },
    ]);
    writeFileSync(`${dir}/a.ndjson`, a.map((r) => JSON.stringify(r)).join('\n'));
    writeFileSync(`${dir}/b.ndjson`, b.map((r) => JSON.stringify(r)).join('\n'));
    // Both wait on a barrier and each reports that the other was inside the ingest with it: the test
    // fails when the two did not in fact run at once (planted: spawning b only after a finished).
    const barrier = mkdtempSync(join(tmpdir(), 'user360-barrier-'));
    const worker = (f: string, me: string) =>
      run(process.execPath, ['--import', 'tsx', 'test/support/ingest-worker.ts', url, `${dir}/${f}`], { env: { ...process.env, ...barrierEnv(barrier, me, ['a', 'b']) } });
    const [ra, rb] = await Promise.all([worker('a.ndjson', 'a'), worker('b.ndjson', 'b')]);
    const [oa, ob] = [JSON.parse(ra.stdout), JSON.parse(rb.stdout)];
    expect([oa.overlapped, ob.overlapped], 'each process was inside while the other was').toEqual([true, true]);
    expect(oa.accepted, ra.stderr).toBe(200);
    expect(ob.accepted, rb.stderr).toBe(400);

    const [{ n }] = (await store.db.all<{ n: number }>(sql`SELECT count(DISTINCT root_id) AS n FROM customers`)) as [{ n: number }];
    expect(n).toBe(200);
    const [{ orphans }] = (await store.db.all<{ orphans: number }>(sql`
      SELECT count(*) AS orphans FROM transactions t JOIN customers c ON c.id = t.customer_id
      JOIN identifiers i ON i.type = 'wallet' AND i.customer_id IN (SELECT id FROM customers WHERE root_id = c.root_id)`)) as [{ orphans: number }];
    expect(orphans, 'every transaction reaches a customer holding its wallet').toBe(200);
  }, 90_000);
});
