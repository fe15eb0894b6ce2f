import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

/**
 * Campaign touches (SPEC §8): an event's `campaign` object, one row per event that carried one. The
 * profile's first and last touch are the oldest and newest across the merge group; the first touch's
 * source is the customer's acquisition source.
 */
export const campaignTouches = sqliteTable(
  'campaign_touches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: text('customer_id').notNull().references(() => customers.id),
    recordId: text('record_id'),
    at: epochMs('at').notNull(),
    source: text('source'),
    medium: text('medium'),
    name: text('name'),
    term: text('term'),
    content: text('content'),
    referrer: text('referrer'),
  },
  // The first serves the profile (a group's touches in time order), the second `find campaign:<source>`.
  (t) => [index('campaign_touches_customer_at_idx').on(t.customerId, t.at), index('campaign_touches_source_idx').on(t.source, t.customerId)],
);
