import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * Transaction volume per unified customer over a span of final days: `all` (every counted day) and
 * sliding windows ending yesterday (`w29`, `w6`, which with today make 30d and 7d). Kept in step by the
 * nightly rollup, merges and splits, so a top list reads a few rows by index instead of summing millions.
 */
export const rootVolume = sqliteTable(
  'root_volume',
  {
    scope: text('scope').notNull(),
    rootId: text('root_id').notNull(),
    count: integer('count').notNull(),
    micros: integer('micros').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.rootId] }), index('root_volume_scope_micros_idx').on(t.scope, t.micros, t.rootId)],
);

/** The days each scope of `root_volume` holds. */
export const volumeScopes = sqliteTable('volume_scopes', {
  scope: text('scope').primaryKey(),
  firstDay: text('first_day').notNull(),
  lastDay: text('last_day').notNull(),
});

/**
 * `root_volume` summed by each unified customer's first-touch source (`audience.acquisition_source`,
 * '' for none), per scope: what `metrics` shows as volume by acquisition source over final days, read
 * as a handful of rows instead of joining every unified customer of the scope to its audience row.
 * Triggers on `root_volume` and `audience` keep it exact (migration 0021).
 */
export const sourceVolume = sqliteTable(
  'source_volume',
  {
    scope: text('scope').notNull(),
    source: text('source').notNull(),
    count: integer('count').notNull(),
    micros: integer('micros').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.source] })],
);
