import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/**
 * The profile's read model (issue 18): the row of the profile statement (src/profile/profile.ts) for
 * one unified customer, each section as the JSON the statement made, stored by the first lookup that
 * built it. It is current while `version` equals the root's `profile_versions.version`; any write to
 * the facts bumps that, and the next lookup rebuilds. Nothing here depends on the clock (purchases,
 * age group and lifecycle are computed per request).
 */
export const profileRows = sqliteTable('profile_rows', {
  rootId: text('root_id').primaryKey(),
  version: integer('version').notNull(),
  grp: text('grp').notNull(),
  ids: text('ids').notNull(),
  traits: text('traits').notNull(),
  labels: text('labels').notNull(),
  attrs: text('attrs').notNull(),
  kyc: text('kyc'),
  forms: text('forms').notNull(),
  tasks: text('tasks').notNull(),
  wallets: text('wallets').notNull(),
  onchain: text('onchain').notNull(),
  exposure: text('exposure').notNull(),
  tx: text('tx').notNull(),
  byToken: text('by_token').notNull(),
  byChain: text('by_chain').notNull(),
  activity: text('activity').notNull(),
  firstTouch: text('first_touch'),
  lastTouch: text('last_touch'),
  touches: integer('touches').notNull(),
  device: text('device'),
  recentTx: text('recent_tx').notNull(),
  refused: text('refused').notNull(),
});
