import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { ALERT_KINDS, KYC_STATUSES, RISK_LEVELS } from './constants.ts';
import { epochMs, createdAt } from './columns.ts';

/** The outbox: written in the same transaction as the KYC record that caused it. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unifiedId: text('unified_id').notNull(),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    fromStatus: text('from_status', { enum: KYC_STATUSES }),
    toStatus: text('to_status', { enum: KYC_STATUSES }),
    fromLevel: text('from_level', { enum: RISK_LEVELS }),
    toLevel: text('to_level', { enum: RISK_LEVELS }),
    riskScore: integer('risk_score'),
    reason: text('reason'),
    recordId: text('record_id'),
    at: epochMs('at').notNull(),
    ...createdAt(),
    /** Set once a delivery row exists for every matching subscriber. */
    fannedOutAt: epochMs('fanned_out_at'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: epochMs('acknowledged_at'),
  },
  (t) => [index('alerts_pending_idx').on(t.fannedOutAt, t.id), index('alerts_unified_kind_idx').on(t.unifiedId, t.kind)],
);

export type Alert = typeof alerts.$inferSelect;
