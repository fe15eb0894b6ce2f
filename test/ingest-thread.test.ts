import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { body, createTestApp } from './support/app.ts';
import { testBackend, writeLockProbe } from './support/db.ts';
import { uniq } from './support/factories.ts';

/**
 * The ingest thread (src/ingest/thread.ts): on an embedded file, pushed batches are checked and written
 * on a worker thread with its own connection, in the main process's write turn. The answers must be
 * those of the main thread, the main thread must run none of the batch's transaction, its own writes
 * must wait their turn without blocking its event loop, and stopping must let a batch in flight finish.
 */
type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.ingestThread?.close();
});
async function app(thread: 'on' | 'off') {
  const t = await createTestApp({ INGEST_THREAD: thread, MAX_BODY_BYTES: String(4 << 20) });
  apps.push(t);
  return t;
}

const at = '2026-11-20T10:00:00+08:00';
/** The same requests for both apps: merges, a KYC change that alerts, a repeat, refusals. */
function script(tag: string) {
  const e = (n: number) => `${tag}-${n}@example.com`;
  const phone = '+886912345678';
  return [
    ['/v1/batch', [
      { type: 'identify', id: `${tag}-1`, timestamp: at, identifiers: { email: e(1), phone }, traits: { name: 'Ada <@U123> *bold*' } },
      { type: 'identify', id: `${tag}-2`, timestamp: at, identifiers: { email: e(2), external_id: `${tag}-ext` } },
      // Joins the two above into one customer: a merge inside the batch.
      { type: 'identify', id: `${tag}-3`, timestamp: at, identifiers: { phone, external_id: `${tag}-ext` } },
      { type: 'transaction', id: `${tag}-4`, timestamp: at, identifiers: { email: e(1) }, chain: 'ethereum', token: 'USDT', amount: '120.5', usdt_value: 120.5, direction: 'in' },
    ]],
    ['/v1/kyc', { id: `${tag}-5`, timestamp: at, identifiers: { email: e(2) }, status: 'pending', risk_score: 85, reason: 'document mismatch' }],
    // The same batch again: every record a duplicate.
    ['/v1/batch', [{ type: 'identify', id: `${tag}-1`, timestamp: at, identifiers: { email: e(1), phone }, traits: { name: 'Ada <@U123> *bold*' } }]],
    // One bad record: nothing of the batch is stored, and the record and field are named.
    ['/v1/batch', [{ type: 'identify', id: `${tag}-6`, timestamp: at, identifiers: { email: e(6) } }, { type: 'identify', id: `${tag}-7`, timestamp: at, identifiers: { email: 'not-an-email' } }]],
    ['/v1/batch', []],
  ] as const;
}

/** Unified IDs are random: each is named by its order of first appearance, as are the record tags. */
function normalise(text: string, tag: string): string {
  const seen = new Map<string, string>();
  return text.replaceAll(tag, 'TAG').replace(/u_[0-9A-HJKMNP-TV-Z]{26}/g, (id) => seen.get(id) ?? (seen.set(id, `u#${seen.size + 1}`), `u#${seen.size}`));
}

async function transcript(t: TestApp, tag: string): Promise<string> {
  const out: unknown[] = [];
  for (const [path, payload] of script(tag)) {
    const res = await t.post(path, payload);
    out.push([path, res.status, await body(res)]);
  }
  for (const n of [1, 2, 6]) {
    const res = await t.get(`/v1/profiles/${encodeURIComponent(`${tag}-${n}@example.com`)}`);
    const profile = await body(res);
    out.push([n, res.status, profile]);
  }
  const tables = (await t.store.db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name`)).map((r) => r.name);
  for (const name of tables) {
    // Row counts of every table, except the request audit and the API key's own bookkeeping.
    if (name === 'audit_log' || name === 'api_keys') continue;
    out.push([name, (await t.store.db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM "${name}"`)))[0]!.n]);
  }
  // Stamped with the caller's clock, which the thread must use rather than its own.
  out.push(await t.store.db.all(sql`SELECT min(created_at) AS first, max(created_at) AS last FROM customers`));
  return normalise(JSON.stringify(out, null, 1), tag);
}

describe.skipIf(testBackend === 'sqld')('the ingest thread (embedded file)', () => {
  it('gives the answers the main thread gives, and the main thread runs none of the batch', async () => {
    const [threaded, local] = [await app('on'), await app('off')];
    let mainWrites = 0;
    const write = threaded.store.write;
    threaded.store.write = (fn) => (mainWrites++, write(fn));
    const tag = uniq('th-');
    const a = await transcript(threaded, tag);
    const b = await transcript(local, tag);
    expect(a).toBe(b);
    // The transcript holds a merge, a KYC alert, duplicates and a refusal, so the comparison says something.
    expect(a).toContain('"duplicates": 1');
    expect(a).toContain('identifiers.email');
    expect(a).toMatch(/"alerts",\s*1\b/);
    expect(a).toMatch(/"merges",\s*1\b/);
    expect(a).toContain(`"last": ${Date.parse('2026-11-25T12:00:00+08:00')}`);
    expect(mainWrites).toBe(0);
  }, 60_000);

  it("queues this process's own writes behind a batch without blocking its event loop", async () => {
    const t = await app('on');
    // A first batch starts the thread, so the one below is inside its transaction soon after it is sent.
    expect((await t.post('/v1/identify', { id: uniq(), timestamp: at, identifiers: { email: `${uniq()}@example.com` } })).status).toBe(200);
    const tag = uniq('q-');
    const records = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ type: 'identify', id: `${tag}-${i}`, timestamp: at, identifiers: { email: `${tag}-${i}@example.com` }, traits: { name: `Q ${i}` } }));
    const probe = writeLockProbe(t.store);
    const order: string[] = [];
    let batchDone = false;
    const batch = Promise.resolve(t.post('/v1/batch', `${records.join('\n')}\n`, { 'content-type': 'application/x-ndjson' })).then(async (r) => {
      batchDone = true;
      order.push('batch');
      return { status: r.status, body: await body(r) };
    });
    while (!probe.held() && !batchDone) await new Promise((r) => setImmediate(r));
    expect(batchDone).toBe(false);
    // Sent while the thread holds the write lock: it must wait in the queue, not on the lock.
    const own = t.store.write(async (tx) => void (await tx.run(sql`CREATE TABLE IF NOT EXISTS scratch_${sql.raw(tag.replace(/\W/g, '_'))} (x)`))).then(() => void order.push('own write'));
    let turns = 0;
    while (!batchDone) {
      await new Promise((r) => setTimeout(r, 1));
      if (!batchDone && probe.held()) turns++;
    }
    await own;
    probe.close();
    expect(await batch).toEqual({ status: 200, body: { accepted: 1500, duplicates: 0, ignored: 0 } });
    // The overlap: the event loop ran timers while the thread's transaction held the lock.
    expect(turns).toBeGreaterThan(0);
    expect(order).toEqual(['batch', 'own write']);
  }, 60_000);

  it('lets a batch in flight finish when it stops, and refuses batches after', async () => {
    const t = await app('on');
    expect((await t.post('/v1/identify', { id: uniq(), timestamp: at, identifiers: { email: `${uniq()}@example.com` } })).status).toBe(200);
    const tag = uniq('c-');
    const records = Array.from({ length: 1500 }, (_, i) => ({ type: 'identify', id: `${tag}-${i}`, timestamp: at, identifiers: { email: `${tag}-${i}@example.com` } }));
    const probe = writeLockProbe(t.store);
    const batch = Promise.resolve(t.post('/v1/batch', records)).then(async (r) => ({ status: r.status, body: await body(r) }));
    while (!probe.held()) await new Promise((r) => setImmediate(r));
    probe.close();
    const closed = t.ingestThread!.close();
    expect(await batch).toEqual({ status: 200, body: { accepted: 1500, duplicates: 0, ignored: 0 } });
    await closed;
    const late = await t.post('/v1/identify', { id: uniq(), timestamp: at, identifiers: { email: `${uniq()}@example.com` } });
    expect([late.status, (await body(late)).code]).toEqual([503, 'shutting_down']);
    const stored = await t.store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM identifiers WHERE value LIKE ${`${tag}-%`}`);
    expect(stored[0]!.n).toBe(1500);
  }, 60_000);
});
