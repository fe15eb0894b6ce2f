import type { Tx } from '../../db/client.ts';
import { alerts, type AlertKind, type KycStatus, type RiskLevel } from '../../db/schema/index.ts';

export interface KycView {
  status: KycStatus;
  riskScore: number | null;
  riskLevel: RiskLevel | null;
}

/** A customer without a KYC record is `unverified` with no risk level (SPEC §5). */
export const NO_KYC: KycView = { status: 'unverified', riskScore: null, riskLevel: null };

/**
 * Writes the alert a KYC transition causes, inside the ingest transaction (the outbox): one alert when
 * the status changes, the risk level changes, or both. A score that stays inside its level is history only.
 */
export async function recordKycAlert(
  tx: Tx,
  a: { unifiedId: string; before: KycView; after: KycView; at: number; now: number; reason?: string | null; recordId?: string; kind?: 'merge' },
): Promise<boolean> {
  const statusChanged = a.before.status !== a.after.status;
  const levelChanged = a.before.riskLevel !== a.after.riskLevel && a.after.riskLevel !== null;
  if (!statusChanged && !levelChanged) return false;
  const kind: AlertKind = a.kind ?? (statusChanged && levelChanged ? 'kyc_risk' : statusChanged ? 'kyc' : 'risk');
  await tx.insert(alerts).values({
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
  });
  return true;
}

export const statusChanged = (a: { fromStatus: string | null; toStatus: string | null }) => a.fromStatus !== null && a.fromStatus !== a.toStatus;
export const levelChanged = (a: { fromLevel: string | null; toLevel: string | null }) => a.toLevel !== null && a.fromLevel !== a.toLevel;
