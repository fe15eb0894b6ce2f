import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { segmentChanges, segments, segmentSubscriptions, type ChatPlatform, type Delivery } from '../../db/schema/index.ts';
import { canSeePersonalData } from '../access/mask.ts';
import { resolveRole } from '../access/roles.ts';
import { parseTarget } from '../delivery/notifiers/types.ts';
import { searchesPersonalFields, segmentQuery } from './segments.ts';

/**
 * What subscribers are told about a segment: counts and unified ids only (unified ids are not
 * personal data, SPEC §5), so the same message may go to a channel or a DM.
 */
export interface SegmentChangeView {
  segment: string;
  query: string;
  run: number;
  entered: number;
  exited: number;
  size: number;
  /** The first few unified ids of each side; the rest are counted only. */
  enteredIds: string[];
  exitedIds: string[];
  at: number;
  /** Its words search names, emails and phones (see segmentNoticeFor). */
  personalWords: boolean;
}

/**
 * The notice of a change to a segment whose words search names, emails and phones, for a subscriber
 * who may not see those (checked when it is sent): who entered and left, and how many, is personal
 * data there. It names the segment and says why, so a subscription made before `segment subscribe`
 * refused such followers, or kept after its owner's role was lowered, tells nothing personal.
 */
export interface SegmentChangeWithheld {
  segment: string;
  run: number;
  withheld: 'personal_words';
}

export type SegmentNotice = SegmentChangeView | SegmentChangeWithheld;

export const SHOWN_IDS = 10;

/** The notice of one recomputation (`<segment id>:<run>`, a delivery's subject), or null if the segment is gone. */
export async function segmentChangeView(db: Db, subject: string): Promise<SegmentChangeView | null> {
  const [id, run] = subject.split(':').map(Number) as [number, number];
  const [s] = await db.select().from(segments).where(eq(segments.id, id));
  if (!s) return null;
  const rows = await db
    .select({ rootId: segmentChanges.rootId, change: segmentChanges.change, at: segmentChanges.at })
    .from(segmentChanges)
    .where(and(eq(segmentChanges.segmentId, id), eq(segmentChanges.run, run)))
    .orderBy(segmentChanges.rootId);
  if (!rows.length) return null;
  const ins = rows.filter((r) => r.change === 'enter');
  const outs = rows.filter((r) => r.change === 'exit');
  const size = await sizeAt(db, id, rows[0]!.at + 1);
  return {
    segment: s.name, query: s.query, run, entered: ins.length, exited: outs.length, size,
    enteredIds: ins.slice(0, SHOWN_IDS).map((r) => r.rootId), exitedIds: outs.slice(0, SHOWN_IDS).map((r) => r.rootId), at: rows[0]!.at,
    personalWords: searchesPersonalFields(segmentQuery(s)),
  };
}

/**
 * What one segment delivery says to its subscriber. A segment matched on personal words tells a DM
 * its members only when the subscriber's role, checked now, may see personal data, and a channel
 * nothing at all (none is enqueued since the rule; one from before is skipped here too). A Discord
 * role granted through a guild role cannot be checked outside the guild, so such a DM is withheld.
 */
export async function segmentNoticeFor(db: Db, d: Pick<Delivery, 'subject' | 'platform' | 'target'>, admins: Partial<Record<ChatPlatform, readonly string[]>>): Promise<SegmentNotice | null> {
  const view = await segmentChangeView(db, d.subject);
  if (!view || !view.personalWords) return view;
  const target = parseTarget(d.target);
  if (target.kind !== 'user') return null;
  if (canSeePersonalData(await resolveRole(db, { platform: d.platform, userId: target.id }, admins[d.platform] ?? []))) return view;
  return { segment: view.segment, run: view.run, withheld: 'personal_words' };
}

/** A segment's size at a moment, from its recorded entries and exits (each run records both). */
async function sizeAt(db: Db, segmentId: number, before: number): Promise<number> {
  const [r] = await db.all<{ n: number }>(sql`
    SELECT total(CASE ${segmentChanges.change} WHEN 'enter' THEN 1 ELSE -1 END) AS n FROM ${segmentChanges}
    WHERE ${segmentChanges.segmentId} = ${segmentId} AND ${segmentChanges.at} < ${before}`);
  return Number(r?.n ?? 0);
}

export type SegmentDayFigures =
  | {
    name: string;
    /** Members at the end of the window. */
    size: number;
    entered: number;
    exited: number;
  }
  /**
   * A segment whose words searched names, emails and phones: the digest goes to channels, which get
   * no personal data, and who (and how many) match a name is that. Named, without figures.
   */
  | { name: string; withheld: 'personal_words' };

/** For the digest: each segment someone follows, its size at `to` and who entered and left in [from, to). */
export async function subscribedSegmentFigures(db: Db, from: number, to: number): Promise<SegmentDayFigures[]> {
  const c = segmentChanges;
  const sign = sql`CASE ${c.change} WHEN 'enter' THEN 1 ELSE -1 END`;
  const within = sql`${c.at} >= ${from} AND ${c.at} < ${to}`;
  const rows = await db.all<{ name: string; query: string; filter: string; size: number; entered: number; exited: number }>(sql`
    SELECT ${segments.name} AS name, ${segments.query} AS query, ${segments.filter} AS filter,
      total(CASE WHEN ${c.at} < ${to} THEN ${sign} END) AS size,
      total(CASE WHEN ${within} AND ${c.change} = 'enter' THEN 1 END) AS entered,
      total(CASE WHEN ${within} AND ${c.change} = 'exit' THEN 1 END) AS exited
    FROM ${segments} LEFT JOIN ${c} ON ${c.segmentId} = ${segments.id}
    WHERE ${segments.id} IN (SELECT ${segmentSubscriptions.segmentId} FROM ${segmentSubscriptions}) AND ${segments.createdAt} < ${to}
    GROUP BY ${segments.id} ORDER BY ${segments.name}`);
  return rows.map((r): SegmentDayFigures => (searchesPersonalFields(segmentQuery(r))
    ? { name: r.name, withheld: 'personal_words' }
    : { name: r.name, size: Number(r.size), entered: Number(r.entered), exited: Number(r.exited) }));
}
