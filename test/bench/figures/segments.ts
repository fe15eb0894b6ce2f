/**
 * Segment recomputation (the scheduled job behind `segment`): the first run of a selective segment
 * (every member an entry) and the steady-state run that repeats every SEGMENT_REFRESH_SECONDS (the
 * same search, a diff against the stored members, nothing to write).
 */
import { parseQuery } from '../../../commands/find.ts';
import { recomputeSegment } from '../../../src/audience/segment-recompute.ts';
import { deleteSegment, insertSegment, segmentNamed } from '../../../src/audience/segments.ts';
import { repeat, type Sample } from '../load.ts';
import type { Service } from '../service.ts';

export const SEGMENT_QUERY = 'kyc:rejected risk:very_high country:JP';

export async function segmentFigures(svc: Service, runs = 10, maxMs = 10_000): Promise<{ q: string; size: number; firstMs: number; steady: Sample }> {
  const name = `bench-${Date.now().toString(36)}`;
  const now = svc.clock().getTime();
  const made = (await insertSegment(svc.store, { name, query: parseQuery(SEGMENT_QUERY), by: 'bench', now }))!;
  const t0 = performance.now();
  const first = await recomputeSegment(svc.store, made, now);
  const firstMs = performance.now() - t0;
  const steady = await repeat(runs, maxMs, async () => recomputeSegment(svc.store, (await segmentNamed(svc.store.db, name))!, svc.clock().getTime()));
  await deleteSegment(svc.store, name);
  return { q: SEGMENT_QUERY, size: first.size, firstMs, steady };
}
