import { sqliteTable, text, integer, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CHAT_PLATFORMS, SEGMENT_CHANGES } from './constants.ts';
import { createdAt, epochMs } from './columns.ts';

/**
 * A saved `find` query. `filter` is the parsed query (JSON of AudienceQuery), which is what runs: a later
 * change of the grammar's spelling cannot change what a stored segment means. `query` is its canonical
 * text, for people.
 */
export const segments = sqliteTable(
  'segments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    query: text('query').notNull(),
    filter: text('filter').notNull().default('{}'),
    createdBy: text('created_by').notNull(),
    ...createdAt(),
    /** When membership was last recomputed, and how many customers it had then. */
    computedAt: epochMs('computed_at'),
    size: integer('size').notNull().default(0),
    /** Recomputations that changed membership so far; a recompute commits only if this is still what it read. */
    run: integer('run').notNull().default(0),
  },
  (t) => [uniqueIndex('segments_name_uq').on(t.name)],
);
export type Segment = typeof segments.$inferSelect;

export const segmentMembers = sqliteTable(
  'segment_members',
  {
    segmentId: integer('segment_id').notNull().references(() => segments.id),
    rootId: text('root_id').notNull(),
    since: epochMs('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.rootId] })],
);

/** Entries and exits, one row per customer per recomputation that moved them; `run` groups one recomputation. */
export const segmentChanges = sqliteTable(
  'segment_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    segmentId: integer('segment_id').notNull().references(() => segments.id),
    run: integer('run').notNull(),
    rootId: text('root_id').notNull(),
    change: text('change', { enum: SEGMENT_CHANGES }).notNull(),
    at: epochMs('at').notNull(),
  },
  (t) => [index('segment_changes_segment_run_idx').on(t.segmentId, t.run)],
);

/** `target` is `user:<id>` (a DM) or `channel:<id>`, as for alerts. */
export const segmentSubscriptions = sqliteTable(
  'segment_subscriptions',
  {
    segmentId: integer('segment_id').notNull().references(() => segments.id),
    platform: text('platform', { enum: CHAT_PLATFORMS }).notNull(),
    target: text('target').notNull(),
    subscribedBy: text('subscribed_by').notNull(),
    ...createdAt(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.platform, t.target] })],
);
