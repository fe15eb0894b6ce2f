import { describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { auditLog } from '../db/schema/index.ts';
import { body, createTestApp } from './support/app.ts';
import { testBackend, writeLockProbe } from './support/db.ts';
import { uniq } from './support/factories.ts';

/**
 * The embedded file's writer gives the event loop a turn every few milliseconds and a lookup's audit
 * row does not wait for the writer (db/native-tx.ts, db/journal.ts): a lookup is answered while a
 * large batch is still inside its transaction, and the batch still commits whole.
 */
describe.skipIf(testBackend === 'sqld')('a lookup during a batch (embedded file)', () => {
  it('is answered, and audited, before the batch commits', async () => {
    const t = await createTestApp({ MAX_BODY_BYTES: String(4 << 20) });
    const email = `under-ingest-${uniq()}@example.com`;
    expect((await t.post('/v1/identify', { id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email }, traits: { name: 'Under Ingest' } })).status).toBe(200);
    const tag = uniq('b-');
    const records = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ type: 'identify', id: `${tag}-${i}`, timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: `${tag}-${i}@example.com`, phone: `+8869${String(10_000_000 + i).slice(-8)}` }, traits: { name: `Batch ${i}` } }));
    // A second connection that asks for the write lock without waiting: busy while the batch holds it.
    const probe = writeLockProbe(t.store);
    const batchHoldsLock = probe.held;
    let batchDone = false;
    const batch = Promise.resolve(t.post('/v1/batch', `${records.join('\n')}\n`, { 'content-type': 'application/x-ndjson' })).then(async (r) => {
      batchDone = true;
      return { status: r.status, body: await body(r) };
    });
    while (!batchHoldsLock() && !batchDone) await new Promise((r) => setImmediate(r));
    expect(batchDone).toBe(false);
    const lookup = await t.get(`/v1/profiles/${encodeURIComponent(email)}`);
    const answered = { status: lookup.status, lockHeld: batchHoldsLock(), batchDone };
    expect(answered).toEqual({ status: 200, lockHeld: true, batchDone: false });
    expect((await body(lookup)).identifiers).toContainEqual({ type: 'email', value: email });
    expect(await batch).toEqual({ status: 200, body: { accepted: 1500, duplicates: 0, ignored: 0 } });
    await t.store.write(async () => undefined);
    const audited = await t.store.db.select({ n: count() }).from(auditLog).where(eq(auditLog.platform, 'api'));
    expect(audited[0]!.n).toBe(1);
    probe.close();
  }, 120_000);
});
