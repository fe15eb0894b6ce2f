import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

/** The latest known traits of a customer; a newer record overwrites only the traits it carries. */
export const traits = sqliteTable('traits', {
  customerId: text('customer_id').primaryKey().references(() => customers.id),
  name: text('name'),
  gender: text('gender'),
  birthDate: text('birth_date'),
  membershipLevel: text('membership_level'),
  updatedAt: epochMs('updated_at').notNull(),
});
