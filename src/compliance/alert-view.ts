import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { customers, identifiers, traits, type Alert, type RiskLevel } from '../../db/schema/index.ts';
import { KYC_BADGE, RISK_BADGE } from '../render/format.ts';
import { formatGmt8 } from '../time.ts';
import { levelChanged, statusChanged } from './alert-outbox.ts';

/** Name and email of a unified customer, for subscribers whose role may see personal data. */
export async function customerBrief(db: Queryable, unifiedId: string): Promise<{ name: string | null; email: string | null }> {
  const group = db.select({ id: customers.id }).from(customers).where(eq(customers.rootId, unifiedId));
  const [[t], [e]] = await Promise.all([
    db.select({ name: traits.name }).from(traits).where(inArray(traits.customerId, group)).orderBy(desc(traits.updatedAt)).limit(1),
    db.select({ value: identifiers.value }).from(identifiers).where(and(inArray(identifiers.customerId, group), eq(identifiers.type, 'email'))).orderBy(asc(identifiers.id)).limit(1),
  ]);
  return { name: t?.name ?? null, email: e?.value ?? null };
}

const EMOJI: Record<RiskLevel, string> = { very_high: '🚨', high: '🔴', medium: '🟠', low_medium: '🟡', low: '🟢' };

/**
 * An alert as every platform shows it, before any platform's markup: Slack and Discord render it in
 * their own folders and escape `value`s there (a name or a KYC reason comes from outside).
 */
export interface AlertView {
  id: number;
  unifiedId: string;
  /** the level the customer is left at; it picks the emoji here and the colour on Discord */
  level: RiskLevel | null;
  /** our own words and the unified ID: safe as it is */
  title: string;
  lines: { label: string; value: string }[];
  /** `by` as stored: `<platform>:<user id>`; times as GMT+8 text */
  acknowledged: { by: string; at: string } | null;
  claimed: { by: string; at: string } | null;
  /** `note` is a person's text: data, escaped by each renderer */
  resolved: { by: string; at: string; note: string } | null;
  snoozed: { by: string; until: string } | null;
  /** sent again because its snooze ended */
  reminder?: boolean;
}

/** Who did what to an alert, the same for every kind. */
function reviewState(a: Alert): Pick<AlertView, 'acknowledged' | 'claimed' | 'resolved' | 'snoozed'> {
  return {
    acknowledged: a.acknowledgedBy ? { by: a.acknowledgedBy, at: formatGmt8(a.acknowledgedAt!) } : null,
    claimed: a.claimedBy ? { by: a.claimedBy, at: formatGmt8(a.claimedAt!) } : null,
    resolved: a.resolvedBy ? { by: a.resolvedBy, at: formatGmt8(a.resolvedAt!), note: a.resolutionNote ?? '' } : null,
    // A resolved alert is not waiting for anything, so its snooze is not shown.
    snoozed: a.snoozedBy && a.snoozedUntil !== null && !a.resolvedBy ? { by: a.snoozedBy, until: formatGmt8(a.snoozedUntil) } : null,
  };
}

/**
 * `personal` is given only when the audience may see personal data; a channel never gets it, so a
 * channel alert names the unified ID and the change, nothing more.
 */
export function alertView(a: Alert, personal?: { name: string | null; email: string | null }): AlertView {
  if (a.kind === 'exposure') return exposureView(a, personal);
  const what = a.kind === 'merge' ? 'KYC state after a merge' : statusChanged(a) && levelChanged(a) ? 'KYC status and risk level' : statusChanged(a) ? 'KYC status' : 'Risk level';
  const lines: AlertView['lines'] = [
    ...(personal && (personal.name || personal.email) ? [{ label: 'Customer', value: [personal.name, personal.email].filter(Boolean).join(' · ') }] : []),
    ...(statusChanged(a) ? [{ label: 'KYC status', value: `${KYC_BADGE[a.fromStatus!]} → ${KYC_BADGE[a.toStatus!]}` }] : a.toStatus ? [{ label: 'KYC status', value: `${KYC_BADGE[a.toStatus]}` }] : []),
    {
      label: 'Risk level',
      value: levelChanged(a)
        ? `${a.fromLevel ? RISK_BADGE[a.fromLevel] : 'none'} → ${RISK_BADGE[a.toLevel!]} (score ${a.riskScore})`
        : a.toLevel ? `${RISK_BADGE[a.toLevel]} (score ${a.riskScore})` : 'not scored',
    },
    ...(a.reason ? [{ label: 'Reason', value: a.reason }] : []),
    { label: 'When', value: formatGmt8(a.at) },
  ];
  return {
    id: a.id,
    unifiedId: a.unifiedId,
    level: a.toLevel,
    title: `${(a.toLevel && EMOJI[a.toLevel]) || '⚪'} ${what} changed · ${a.unifiedId}`,
    lines,
    ...reviewState(a),
  };
}

/**
 * The one rule for what an alert may show: personal data only in a subscriber's own DM and only to a
 * role that may see it (an Acknowledge click and a delivery both ask here).
 */
export async function alertViewFor(db: Queryable, a: Alert, mayShowPersonal: boolean): Promise<AlertView> {
  return alertView(a, mayShowPersonal ? await customerBrief(db, a.unifiedId) : undefined);
}

function exposureView(a: Alert, personal?: { name: string | null; email: string | null }): AlertView {
  return {
    id: a.id,
    unifiedId: a.unifiedId,
    level: 'high',
    title: `⚠️ Exposure to a screened address · ${a.unifiedId}`,
    lines: [
      ...(personal && (personal.name || personal.email) ? [{ label: 'Customer', value: [personal.name, personal.email].filter(Boolean).join(' · ') }] : []),
      { label: 'Transfer', value: a.reason ?? '' },
      { label: 'When', value: formatGmt8(a.at) },
    ],
    ...reviewState(a),
  };
}
