import { and, eq, getTableName, isNull, lte, or } from 'drizzle-orm';
import { insertMany, type Store } from '../../db/client.ts';
import { segmentChanges, segmentMembers, segments, type Segment } from '../../db/schema/index.ts';
import { col } from '../../db/sql-names.ts';
import { enqueueDeliveries } from '../delivery/deliveries.ts';
import { searchAudience } from './search.ts';
import { searchesPersonalFields, segmentQuery, segmentSubscribers } from './segments.ts';

/**
 * Segment membership is recomputed on a schedule (every SEGMENT_REFRESH_SECONDS, by whichever instance
 * gets there), not inside ingest: `seen:`, `stage:` and the volume windows change with the clock
 * alone, so an ingest-time delta would miss the customers who leave a segment by doing nothing, and
 * running every segment's query inside each ingest transaction would lengthen the write lock that
 * all ingest waits on.
 *
 * One recomputation: read the segment's `run`, run its query (the same search `find` runs), diff
 * against the stored members, and commit the diff, the entries and exits, and one delivery row per
 * subscriber only if `run` is still what was read. Two instances recomputing at once therefore commit
 * one diff between them, and an older result can never be applied over a newer one.
 */

export interface Recomputed {
  segmentId: number;
  /** The run the changes were recorded under; unchanged when nothing moved. */
  run: number;
  entered: number;
  exited: number;
  size: number;
  /** false: another instance committed first (its result stands; nothing of this one was written). */
  committed: boolean;
  notified: number;
}

const CHANGES = getTableName(segmentChanges);
const MEMBERS = getTableName(segmentMembers);
const CHANGE_COLS = [col(segmentChanges, 'segmentId'), col(segmentChanges, 'run'), col(segmentChanges, 'rootId'), col(segmentChanges, 'change'), col(segmentChanges, 'at')];
const MEMBER_COLS = [col(segmentMembers, 'segmentId'), col(segmentMembers, 'rootId'), col(segmentMembers, 'since')];

export interface RecomputeOptions {
  /** Runs between computing a diff and committing it (tests hold two instances there together). */
  beforeCommit?: () => Promise<void>;
}

export async function recomputeSegment(store: Store, segment: Segment, now: number, opts: RecomputeOptions = {}): Promise<Recomputed> {
  const readRun = segment.run;
  const members = new Set((await store.db.select({ rootId: segmentMembers.rootId }).from(segmentMembers).where(eq(segmentMembers.segmentId, segment.id))).map((m) => m.rootId));
  const query = segmentQuery(segment);
  const matched = await searchAudience(store, query, { now, personal: true });
  const next = new Set(matched.map((m) => m.rootId));
  const entered = [...next].filter((id) => !members.has(id)).sort();
  const exited = [...members].filter((id) => !next.has(id)).sort();
  const base = { segmentId: segment.id, entered: entered.length, exited: exited.length, size: next.size };
  if (!entered.length && !exited.length) {
    await store.write((tx) => tx.update(segments).set({ computedAt: now, size: next.size }).where(and(eq(segments.id, segment.id), eq(segments.run, readRun))));
    return { ...base, run: readRun, committed: true, notified: 0 };
  }
  const run = readRun + 1;
  await opts.beforeCommit?.();
  return store.write(async (tx) => {
    const claimed = await tx.update(segments).set({ run, computedAt: now, size: next.size }).where(and(eq(segments.id, segment.id), eq(segments.run, readRun))).returning({ id: segments.id });
    if (!claimed.length) return { ...base, run: readRun, committed: false, notified: 0 };
    await insertMany(tx, CHANGES, CHANGE_COLS, [...entered.map((id) => [segment.id, run, id, 'enter', now]), ...exited.map((id) => [segment.id, run, id, 'exit', now])]);
    for (let i = 0; i < exited.length; i += 500) {
      await tx.$client.execute({ sql: `DELETE FROM ${MEMBERS} WHERE ${MEMBER_COLS[0]} = ? AND ${MEMBER_COLS[1]} IN (SELECT value FROM json_each(?))`, args: [segment.id, JSON.stringify(exited.slice(i, i + 500))] });
    }
    await insertMany(tx, MEMBERS, MEMBER_COLS, entered.map((id) => [segment.id, id, now]));
    // One message per subscriber per run that changed something, under the delivery rows' unique key.
    // No channel hears who entered a segment matched on names and emails (a subscription from before
    // `segment subscribe` refused that stays, and its channel is told nothing).
    const subs = (await segmentSubscribers(tx, segment.id)).filter((s) => !(searchesPersonalFields(query) && s.target.startsWith('channel:')));
    const notified = await enqueueDeliveries(tx, subs.map((s) => ({ kind: 'segment' as const, subject: `${segment.id}:${run}`, platform: s.platform, target: s.target })), now);
    return { ...base, run, committed: true, notified };
  });
}

/** Recomputes every segment last computed before `now - everyMs` (or never). */
export async function recomputeDueSegments(store: Store, now: number, everyMs: number, opts: RecomputeOptions = {}): Promise<Recomputed[]> {
  const due = await store.db.select().from(segments).where(or(isNull(segments.computedAt), lte(segments.computedAt, now - everyMs))).orderBy(segments.id);
  const out: Recomputed[] = [];
  for (const s of due) out.push(await recomputeSegment(store, s, now, opts));
  return out;
}

/**
 * Runs the scheduled recompute: each tick recomputes the segments that are due, and wakes the delivery
 * worker when a run made notices. A tick still running when the next comes is not doubled.
 */
export function startSegmentWorker(deps: { store: Store; clock: () => Date; log: { error(o: object, m: string): void }; everyMs: number; delivered(): void }, tickMs = 5000) {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const runs = await recomputeDueSegments(deps.store, deps.clock().getTime(), deps.everyMs);
      if (runs.some((r) => r.notified > 0)) deps.delivered();
    } catch (e) {
      deps.log.error({ err: { message: (e as Error).message } }, 'segment recompute failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.min(tickMs, deps.everyMs));
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
