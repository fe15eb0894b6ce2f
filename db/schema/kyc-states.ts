import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { KYC_STATUSES, RISK_LEVELS } from './constants.ts';
import { epochMs } from './columns.ts';

/** Current KYC state per customer; its history is `kyc_changes`. */
export const kycStates = sqliteTable('kyc_states', {
  customerId: text('customer_id').primaryKey().references(() => customers.id),
  status: text('status', { enum: KYC_STATUSES }).notNull(),
  riskScore: integer('risk_score'),
  riskLevel: text('risk_level', { enum: RISK_LEVELS }),
  appliedAt: epochMs('applied_at'),
  approvedAt: epochMs('approved_at'),
  documentId: text('document_id'),
  updatedAt: epochMs('updated_at').notNull(),
});

export type KycState = typeof kycStates.$inferSelect;
