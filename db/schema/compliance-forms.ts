import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

export const complianceForms = sqliteTable(
  'compliance_forms',
  {
    customerId: text('customer_id').notNull().references(() => customers.id),
    formNumber: text('form_number').notNull(),
    submittedAt: epochMs('submitted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.formNumber] })],
);
