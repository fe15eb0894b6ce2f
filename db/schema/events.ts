import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: text('customer_id').notNull().references(() => customers.id),
    recordId: text('record_id'),
    at: epochMs('at').notNull(),
    day: text('day').notNull(),
    name: text('name').notNull(),
    sessionId: text('session_id'),
    deviceId: text('device_id'),
  },
  (t) => [index('events_customer_at_idx').on(t.customerId, t.at), index('events_day_idx').on(t.day)],
);
