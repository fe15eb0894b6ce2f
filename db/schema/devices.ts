import { sqliteTable, text, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

export const devices = sqliteTable(
  'devices',
  {
    customerId: text('customer_id').notNull().references(() => customers.id),
    deviceId: text('device_id').notNull(),
    model: text('model'),
    os: text('os'),
    browser: text('browser'),
    libraryVersion: text('library_version'),
    country: text('country'),
    city: text('city'),
    language: text('language'),
    timezone: text('timezone'),
    lastSeenAt: epochMs('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.deviceId] }), index('devices_customer_seen_idx').on(t.customerId, t.lastSeenAt)],
);
