/** Ingest through `POST /v1/batch` (validation + identity resolution), against raw multi-row inserts of the same kind of rows. */
import type { Client } from '@libsql/client';
import { seededRandom } from '../../../src/seed/random.ts';
import { turn } from '../load.ts';
import { customerRecords, type BenchRecord, type Plan } from '../model.ts';
import { rawInsert, rawRows } from '../raw.ts';
import type { Service } from '../service.ts';

/** Fresh customers' records (customers past the store's end sign up today), in batches of about `size`, made as they are needed. */
export function* freshBatches(plan: Plan, firstCustomer: number, records: number, size: number): Generator<BenchRecord[]> {
  let batch: BenchRecord[] = [];
  let total = 0;
  for (let i = firstCustomer; total < records; i++) {
    for (const r of customerRecords(plan, i).records) {
      batch.push(r);
      total++;
    }
    if (batch.length >= size) yield batch, (batch = []);
  }
  if (batch.length) yield batch;
}

export interface IngestResult {
  records: number;
  seconds: number;
  perSecond: number;
  batches: number;
  batchP50Ms: number;
  accepted: number;
  errors: string[];
}

export async function ingestViaApi(svc: Service, batches: Iterable<BenchRecord[]>): Promise<IngestResult> {
  const times: number[] = [];
  const errors: string[] = [];
  let accepted = 0;
  let records = 0;
  for (const batch of batches) {
    const body = JSON.stringify(batch);
    records += batch.length;
    await turn();
    const t0 = performance.now();
    const res = await svc.post('/v1/batch', body);
    const text = await res.text();
    times.push(performance.now() - t0);
    if (res.status !== 200) errors.push(`HTTP ${res.status}: ${text.slice(0, 300)}`);
    else accepted += (JSON.parse(text) as { accepted: number }).accepted;
  }
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  return { records, seconds, perSecond: records / seconds, batches: times.length, batchP50Ms: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!, accepted, errors };
}

export async function ingestRaw(raw: Client, batches: Iterable<BenchRecord[]>, now: number): Promise<IngestResult> {
  let nextPurchase = Number((await raw.execute('SELECT coalesce(max(id), 0) + 1 AS id FROM purchases')).rows[0]!.id);
  const times: number[] = [];
  let records = 0;
  for (const batch of batches) {
    const rows = rawRows(batch, now, nextPurchase);
    nextPurchase += rows.purchases.length;
    records += batch.length;
    await turn();
    const t0 = performance.now();
    await rawInsert(raw, rows);
    times.push(performance.now() - t0);
  }
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  return { records, seconds, perSecond: records / seconds, batches: times.length, batchP50Ms: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!, accepted: records, errors: [] };
}

/**
 * One record type at a time, for customers already in the store (record ids renamed, so none is a
 * duplicate): which kind of record the mixed stream's rate is spent on.
 */
export async function ingestByType(svc: Service, plan: Plan, perType: number, size: number) {
  const rnd = seededRandom(5);
  const timestamp = new Date(svc.clock().getTime()).toISOString();
  const out: Record<string, IngestResult> = {};
  for (const type of ['identify', 'kyc', 'transaction', 'event', 'purchase']) {
    const batches: BenchRecord[][] = [[]];
    for (let total = 0; total < perType; ) {
      for (const r of customerRecords(plan, rnd.int(0, plan.customers - 1)).records) {
        if (r.type !== type) continue;
        batches.at(-1)!.push({ ...r, id: `${r.id}-again`, timestamp, ...(type === 'kyc' ? { status: 'verified', risk_score: 55, applied_at: undefined, approved_at: timestamp } : {}) });
        total++;
        if (batches.at(-1)!.length >= size) batches.push([]);
      }
    }
    out[type] = await ingestViaApi(svc, batches.filter((b) => b.length));
  }
  return out;
}
