/** Ingest through `POST /v1/batch` (validation + identity resolution), against raw multi-row inserts of the same kind of rows. */
import type { Client } from '@libsql/client';
import { turn } from '../load.ts';
import { customerRecords, type BenchRecord, type Plan } from '../model.ts';
import { rawInsert, rawRows } from '../raw.ts';
import type { Service } from '../service.ts';

/** Fresh customers' records (customers past the store's end sign up today), in batches of `size`. */
export function freshBatches(plan: Plan, firstCustomer: number, records: number, size: number): BenchRecord[][] {
  const batches: BenchRecord[][] = [];
  let batch: BenchRecord[] = [];
  let total = 0;
  for (let i = firstCustomer; total < records; i++) {
    for (const r of customerRecords(plan, i).records) {
      batch.push(r);
      total++;
    }
    if (batch.length >= size) batches.push(batch), (batch = []);
  }
  if (batch.length) batches.push(batch);
  return batches;
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

export async function ingestViaApi(svc: Service, batches: BenchRecord[][]): Promise<IngestResult> {
  const bodies = batches.map((b) => JSON.stringify(b));
  const times: number[] = [];
  const errors: string[] = [];
  let accepted = 0;
  for (const body of bodies) {
    await turn();
    const t0 = performance.now();
    const res = await svc.post('/v1/batch', body);
    const text = await res.text();
    times.push(performance.now() - t0);
    if (res.status !== 200) errors.push(`HTTP ${res.status}: ${text.slice(0, 300)}`);
    else accepted += (JSON.parse(text) as { accepted: number }).accepted;
  }
  const records = batches.reduce((s, b) => s + b.length, 0);
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  return { records, seconds, perSecond: records / seconds, batches: batches.length, batchP50Ms: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!, accepted, errors };
}

export async function ingestRaw(raw: Client, batches: BenchRecord[][], now: number): Promise<IngestResult> {
  let nextPurchase = Number((await raw.execute('SELECT coalesce(max(id), 0) + 1 AS id FROM purchases')).rows[0]!.id);
  const prepared = batches.map((b) => {
    const rows = rawRows(b, now, nextPurchase);
    nextPurchase += rows.purchases.length;
    return rows;
  });
  const times: number[] = [];
  for (const rows of prepared) {
    await turn();
    const t0 = performance.now();
    await rawInsert(raw, rows);
    times.push(performance.now() - t0);
  }
  const records = batches.reduce((s, b) => s + b.length, 0);
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  return { records, seconds, perSecond: records / seconds, batches: batches.length, batchP50Ms: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!, accepted: records, errors: [] };
}
