/**
 * `find` through GET /v1/profiles?q= (the read API, as an API key: personal fields searched): a
 * selective filter, a broad one, and name prefixes, each with its total so the selectivity is on record.
 */
import { repeat, type Sample } from '../load.ts';
import type { Service } from '../service.ts';

export const FIND_QUERIES = {
  selective: 'kyc:rejected risk:very_high country:JP',
  selectiveTag: 'tag:vip kyc:pending risk:>=high',
  namePrefix: 'ali',
  namePrefixFiltered: 'ali kyc:verified',
  broad: 'kyc:verified',
} as const;

async function findOnce(svc: Service, q: string): Promise<{ total: number; rows: number }> {
  const res = await svc.get(`/v1/profiles?q=${encodeURIComponent(q)}`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /v1/profiles?q=${q}: HTTP ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { total: number; data: unknown[] };
  return { total: body.total, rows: body.data.length };
}

export async function findFigures(svc: Service, runs = 20, maxMs = 10_000) {
  const out: Record<string, { q: string; total: number; sample: Sample }> = {};
  for (const [name, q] of Object.entries(FIND_QUERIES)) {
    const first = await findOnce(svc, q);
    out[name] = { q, total: first.total, sample: await repeat(runs, maxMs, () => findOnce(svc, q)) };
  }
  return out;
}
