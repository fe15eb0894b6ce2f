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
    // The review workflow (`<platform>:<user id>` like acknowledgedBy). A claim and a resolution are
    // each written once, by whoever gets there first; a snooze may be moved by anyone until resolved.
    claimedBy: text('claimed_by'),
    claimedAt: epochMs('claimed_at'),
    resolvedBy: text('resolved_by'),
    resolvedAt: epochMs('resolved_at'),
    resolutionNote: text('resolution_note'),
    snoozedBy: text('snoozed_by'),
    snoozedUntil: epochMs('snoozed_until'),
    /** The `snoozedUntil` whose reminder went out, so each snooze reminds once however many instances sweep. */
    remindedFor: epochMs('reminded_for'),
  },
  (t) => [
    index('alerts_pending_idx').on(t.fannedOutAt, t.id),
    index('alerts_unified_kind_idx').on(t.unifiedId, t.kind),
    index('alerts_snoozed_idx').on(t.snoozedUntil),
  ],
);

export type Alert = typeof alerts.$inferSelect;
