import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Queryable, Store } from '../../db/client.ts';
import { segmentChanges, segmentMembers, segments, segmentSubscriptions, type ChatPlatform, type Segment } from '../../db/schema/index.ts';
import type { AudienceQuery } from './query.ts';

/**
 * Saved segments (SPEC §8): a name, the parsed `find` query it stands for, its members, the entries
 * and exits of each recomputation, and who hears about them. Membership itself is recomputed in
 * segment-recompute.ts; this file is the rows.
 */

export const SEGMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const MAX_SEGMENTS = 200;

export type SegmentTarget = { platform: ChatPlatform; target: string };

/** The stored, parsed query of a segment (what runs; `query` is only its text). */
export function segmentQuery(s: Pick<Segment, 'filter' | 'query'>): AudienceQuery {
  const q = JSON.parse(s.filter) as Partial<AudienceQuery>;
  return { words: q.words ?? [], filters: q.filters ?? [], text: q.text ?? s.query };
}

/**
 * Whether a segment's members were matched on personal fields: a segment saved with words matched them
 * against names, emails and phones too (segments are computed as the service). Who is in it, and how
 * many, is then personal data: it is shown only to callers who may see personal fields, and never to a
 * channel (SPEC §8). Filters alone (kyc:, tag:, volume: …) read no personal field.
 */
export const searchesPersonalFields = (q: Pick<AudienceQuery, 'words'>) => q.words.length > 0;

/** The one line said instead of a size or a change that `searchesPersonalFields` withholds. */
export const PERSONAL_SEGMENT_NOTE = 'its words search names, emails and phones, so its size and members are shown only to roles that see personal data, never in a channel';

export async function segmentNamed(db: Queryable, name: string): Promise<Segment | undefined> {
  return (await db.select().from(segments).where(eq(segments.name, name.toLowerCase())))[0];
}

export async function listSegments(db: Db): Promise<Segment[]> {
  return db.select().from(segments).orderBy(asc(segments.name));
}

/** The saved queries of those of these names that are segments (`find segment:<name>` names an unknown one). */
export async function savedSegmentQueries(db: Db, names: string[]): Promise<Map<string, AudienceQuery>> {
  if (!names.length) return new Map();
  const rows = await db.select({ name: segments.name, query: segments.query, filter: segments.filter }).from(segments).where(inArray(segments.name, names));
  return new Map(rows.map((r) => [r.name, segmentQuery(r)]));
}

/** Makes the segment row; `null` when the name is taken (the unique index decides, across instances). */
export async function insertSegment(store: Store, s: { name: string; query: AudienceQuery; by: string; now: number }): Promise<Segment | null> {
  const rows = await store.write((tx) =>
    tx.insert(segments).values({ name: s.name, query: s.query.text, filter: JSON.stringify(s.query), createdBy: s.by, createdAt: s.now }).onConflictDoNothing().returning(),
  );
  return rows[0] ?? null;
}

/** Deletes a segment with its members, history and subscriptions; pending notices of it then send nothing. */
export async function deleteSegment(store: Store, name: string): Promise<boolean> {
  return store.write(async (tx) => {
    const s = await segmentNamed(tx, name);
    if (!s) return false;
    await tx.delete(segmentSubscriptions).where(eq(segmentSubscriptions.segmentId, s.id));
    await tx.delete(segmentMembers).where(eq(segmentMembers.segmentId, s.id));
    await tx.delete(segmentChanges).where(eq(segmentChanges.segmentId, s.id));
    await tx.delete(segments).where(eq(segments.id, s.id));
    return true;
  });
}

/** Returns false when this target already follows the segment. */
export async function subscribeSegment(store: Store, segmentId: number, t: SegmentTarget, by: string, now: number): Promise<boolean> {
  const rows = await store.write((tx) =>
    tx.insert(segmentSubscriptions).values({ segmentId, platform: t.platform, target: t.target, subscribedBy: by, createdAt: now }).onConflictDoNothing().returning(),
  );
  return rows.length > 0;
}

export async function unsubscribeSegment(store: Store, segmentId: number, t: SegmentTarget): Promise<boolean> {
  const rows = await store.write((tx) =>
    tx.delete(segmentSubscriptions)
      .where(and(eq(segmentSubscriptions.segmentId, segmentId), eq(segmentSubscriptions.platform, t.platform), eq(segmentSubscriptions.target, t.target)))
      .returning(),
  );
  return rows.length > 0;
}

export async function segmentSubscribers(db: Queryable, segmentId: number) {
  return db.select().from(segmentSubscriptions).where(eq(segmentSubscriptions.segmentId, segmentId));
}
