import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { body, createTestApp } from './support/app.ts';
import { randomEvm, uniq } from './support/factories.ts';

const t = await createTestApp({ MAX_BODY_BYTES: '20000' });
const count = async (table: string) => Number(((await t.store.db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`))) as [{ n: number }])[0].n);

describe('ingest API', () => {
  it('refuses requests without a valid key', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${t.key}` }] as Record<string, string>[]) {
      const res = await t.app.request('/v1/identify', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await body(res)).toMatchObject({ code: 'unauthorized' });
    }
    expect((await t.app.request('/v1/profiles/alice@example.com')).status).toBe(401);
  });

  it('stores a single record and answers with its unified id', async () => {
    const res = await t.post('/v1/identify', { id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: 'Single@Example.com' }, traits: { name: 'Single' } });
    const b = await body(res);
    expect(res.status, JSON.stringify(b)).toBe(200);
    expect(b).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(b.unified_ids[0]).toMatch(/^u_[0-9A-Z]{26}$/);
  });

  it('stores a repeated record id once, and says so', async () => {
    const rec = { id: uniq('k-'), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: 'kyc-dup@example.com' }, status: 'pending', risk_score: 10 };
    const before = await count('kyc_changes');
    expect(await body(await t.post('/v1/kyc', rec))).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await body(await t.post('/v1/kyc', rec))).toMatchObject({ accepted: 0, duplicates: 1 });
    const batch = await body(await t.post('/v1/batch', [{ ...rec, type: 'kyc' }, { ...rec, type: 'kyc' }]));
    expect(batch).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await count('kyc_changes')).toBe(before + 1);
  });

  it('takes a batch as a JSON array and as NDJSON', async () => {
    const w = randomEvm();
    const recs = [
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: uniq('c-'), wallets: [{ chain: 'ethereum', address: w }] } },
      { type: 'transaction', id: uniq(), timestamp: '2026-11-20T11:00:00+08:00', identifiers: { wallets: [{ chain: 'bsc', address: w }] }, chain: 'bsc', token: 'usdt', amount: 10, usdt_value: '10' , direction: 'out' },
    ];
    expect(await body(await t.post('/v1/batch', recs))).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
    const nd = recs.map((r) => JSON.stringify({ ...r, id: uniq() })).join('\n') + '\n';
    const res = await t.post('/v1/batch', nd, { 'content-type': 'application/x-ndjson' });
    expect(await body(res)).toEqual({ accepted: 2, duplicates: 0, ignored: 0 });
  });

  it('refuses a batch with a bad record whole, naming the record and field', async () => {
    const before = await Promise.all(['customers', 'identifiers', 'transactions', 'ingested_records'].map(count));
    const good = (i: number) => ({ type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: `good${i}-${uniq()}@example.com` } });
    const res = await t.post('/v1/batch', [good(0), good(1), good(2), { type: 'identify', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: 'not-an-email' } }, { type: 'transaction', timestamp: 'yesterday', identifiers: { wallets: [{ chain: 'ethereum', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' }] }, chain: 'ethereum', token: 'USDT', amount: 'ten', usdt_value: '1', direction: 'in' }]);
    const b = await body(res);
    expect(res.status, JSON.stringify(b)).toBe(400);
    expect(b.code).toBe('invalid_records');
    expect(b.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 3, path: 'identifiers.email' }),
        expect.objectContaining({ index: 4, path: 'timestamp' }),
        expect.objectContaining({ index: 4, path: 'amount' }),
      ]),
    );
    expect(await Promise.all(['customers', 'identifiers', 'transactions', 'ingested_records'].map(count))).toEqual(before);
  });

  it('names a bad wallet checksum and an unparseable NDJSON line', async () => {
    const res = await t.post('/v1/identify', { timestamp: '2026-11-20T10:00:00+08:00', identifiers: { wallets: [{ chain: 'ethereum', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' }] } });
    expect((await body(res)).errors[0]).toMatchObject({ index: 0, path: 'identifiers.wallets.0.address' });
    const nd = await t.post('/v1/batch', '{"type":"identify"}\n{oops\n', { 'content-type': 'application/x-ndjson' });
    expect(nd.status).toBe(400);
    expect((await body(nd)).errors[0]).toMatchObject({ index: 1, path: '(line)' });
  });

  it('answers 413 above the body limit and stores nothing', async () => {
    const before = await count('ingested_records');
    const big = Array.from({ length: 300 }, () => ({ type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: `${uniq()}@example.com` } }));
    const res = await t.post('/v1/batch', big);
    expect(res.status).toBe(413);
    expect(await body(res)).toMatchObject({ code: 'body_too_large' });
    expect(await count('ingested_records')).toBe(before);
  });

  it('serves health and an OpenAPI document of every route', async () => {
    expect(await body(await t.app.request('/healthz'))).toEqual({ status: 'ok' });
    const doc = await body(await t.app.request('/openapi.json'));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/identify', '/v1/kyc', '/v1/transactions', '/v1/events', '/v1/purchases', '/v1/batch', '/v1/profiles/{identifier}', '/v1/metrics', '/healthz']));
    expect(doc.components.schemas.KycRecord.properties.status.enum).toEqual(['unverified', 'pending', 'verified', 'rejected']);
  });
});
