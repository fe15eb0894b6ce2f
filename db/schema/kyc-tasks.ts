import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

export const kycTasks = sqliteTable(
  'kyc_tasks',
  {
    customerId: text('customer_id').notNull().references(() => customers.id),
    taskId: text('task_id').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.taskId] })],
);
