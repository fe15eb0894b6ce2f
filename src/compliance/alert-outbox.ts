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

const USDT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * A transfer between a customer's wallet and a screened address. The reason names the screened side
 * (address and label, compliance's own data) and the amount, never the customer's wallet, so a
 * channel alert carries no personal data.
 */
export function exposureAlert(a: {
  unifiedId: string; record: { chain: string; token: string; amount: string; direction: 'in' | 'out'; tx_hash?: string | null; id?: string };
  /** The transfer's USDT value (the source's figure, or the indexer's at the block's price); null without a price. */
  valueUsdt: string | null;
  counterparty: string; label: string | null; at: number; now: number;
}): AlertRow {
  const r = a.record;
  const who = `screened address ${a.counterparty}${a.label ? ` (${a.label})` : ''}`;
  const value = a.valueUsdt === null ? 'no price' : `${USDT.format(Number(a.valueUsdt))} USDT`;
  return {
    unifiedId: a.unifiedId,
    kind: 'exposure',
    reason: `${r.direction === 'in' ? 'Received' : 'Sent'} ${r.amount} ${r.token} (${value}) on ${r.chain} ${r.direction === 'in' ? 'from' : 'to'} ${who}${r.tx_hash ? `, tx ${r.tx_hash}` : ''}`,
    recordId: r.id,
    at: a.at,
    createdAt: a.now,
  };
}
