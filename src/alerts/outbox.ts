import { alerts, type AlertKind, type KycStatus, type RiskLevel } from '../../db/schema/index.ts';

export interface KycView {
  status: KycStatus;
  riskScore: number | null;
  riskLevel: RiskLevel | null;
}

/** A customer without a KYC record is `unverified` with no risk level (SPEC §5). */
export const NO_KYC: KycView = { status: 'unverified', riskScore: null, riskLevel: null };

export type AlertRow = typeof alerts.$inferInsert;

/**
 * The alert a KYC transition causes, if any: one alert when the status changes, the risk level changes,
 * or both. A score that stays inside its level is history only. Ingest writes the rows in the same
 * transaction as the KYC records (the outbox).
 */
export function kycAlert(
  a: { unifiedId: string; before: KycView; after: KycView; at: number; now: number; reason?: string | null; recordId?: string; kind?: 'merge' },
): AlertRow | null {
  const statusChanged = a.before.status !== a.after.status;
  const levelChanged = a.before.riskLevel !== a.after.riskLevel && a.after.riskLevel !== null;
  if (!statusChanged && !levelChanged) return null;
  const kind: AlertKind = a.kind ?? (statusChanged && levelChanged ? 'kyc_risk' : statusChanged ? 'kyc' : 'risk');
  return {
    unifiedId: a.unifiedId,
    kind,
    fromStatus: statusChanged ? a.before.status : null,
    toStatus: statusChanged ? a.after.status : a.after.status,
    fromLevel: levelChanged ? a.before.riskLevel : a.after.riskLevel,
    toLevel: a.after.riskLevel,
    riskScore: a.after.riskScore,
    reason: a.reason ?? null,
    recordId: a.recordId,
    at: a.at,
    createdAt: a.now,
  };
}

export const statusChanged = (a: { fromStatus: string | null; toStatus: string | null }) => a.fromStatus !== null && a.fromStatus !== a.toStatus;
export const levelChanged = (a: { fromLevel: string | null; toLevel: string | null }) => a.toLevel !== null && a.fromLevel !== a.toLevel;
