import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/**
 * How many times the facts behind a unified customer's profile have changed. Triggers in the database
 * (migration 0019) bump it in the same statement as every write to a table the profile statement reads
 * (src/profile/profile.ts), the re-rooting of a merge or a split included (old and new root), so no
 * write path, process or server instance can forget it. A root never written since has no row: 0.
 * Kept apart from `profile_rows` so a bump rewrites a few bytes, not a stored profile.
 */
export const profileVersions = sqliteTable('profile_versions', {
  rootId: text('root_id').primaryKey(),
  version: integer('version').notNull(),
});
