import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { KYC_STATUSES, RISK_LEVELS } from './constants.ts';
import { epochMs, createdAt } from './columns.ts';

/** Every KYC record as a transition; compliance alerts and the digest read this history. */
export const kycChanges = sqliteTable(
  'kyc_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: text('customer_id').notNull().references(() => customers.id),
    recordId: text('record_id'),
    at: epochMs('at').notNull(),
    day: text('day').notNull(),
    fromStatus: text('from_status', { enum: KYC_STATUSES }).notNull(),
    toStatus: text('to_status', { enum: KYC_STATUSES }).notNull(),
    fromScore: integer('from_score'),
    toScore: integer('to_score'),
    fromLevel: text('from_level', { enum: RISK_LEVELS }),
    toLevel: text('to_level', { enum: RISK_LEVELS }),
    reason: text('reason'),
    ...createdAt(),
  },
  (t) => [index('kyc_changes_customer_idx').on(t.customerId, t.at), index('kyc_changes_day_idx').on(t.day)],
);

export type KycChange = typeof kycChanges.$inferSelect;
