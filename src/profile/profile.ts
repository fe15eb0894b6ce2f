import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.ts';
import {
  complianceForms, customers, devices, events, identifiers, kycStates, kycTasks, labels, traits, transactions, wallets,
} from '../../db/schema/index.ts';
import { explorerUrl } from './explorers.ts';
import { purchaseStats } from './purchases.ts';
import { gmt8Day } from '../time.ts';

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
const usdt = (micros: number | null | undefined) => Math.round(Number(micros ?? 0) / 1e4) / 100;

/** The User DNA of SPEC §1 for one unified customer, in the JSON shape of `GET /v1/profiles/:identifier`. */
export async function buildProfile(db: Db, unifiedId: string, now: number) {
  const group = await db.select().from(customers).where(eq(customers.rootId, unifiedId)).orderBy(asc(customers.createdAt));
  if (group.length === 0) return null;
  const ids = group.map((c) => c.id);
  const inGroup = (col: SQLiteColumn) => inArray(col, ids);

  const [idRows, traitRows, labelRows, kycRows, formRows, taskRows, walletRows, txTotals, byToken, byChain, activity, device, purchases] = await Promise.all([
    db.select({ type: identifiers.type, value: identifiers.value }).from(identifiers).where(inGroup(identifiers.customerId)).orderBy(identifiers.id),
    db.select().from(traits).where(inGroup(traits.customerId)).orderBy(desc(traits.updatedAt)),
    db.select({ kind: labels.kind, value: labels.value }).from(labels).where(inGroup(labels.customerId)),
    db.select().from(kycStates).where(inGroup(kycStates.customerId)).orderBy(desc(kycStates.updatedAt)).limit(1),
    db.select({ formNumber: complianceForms.formNumber }).from(complianceForms).where(inGroup(complianceForms.customerId)).orderBy(complianceForms.submittedAt),
    db.select().from(kycTasks).where(inGroup(kycTasks.customerId)).orderBy(kycTasks.updatedAt),
    db.select().from(wallets).where(inGroup(wallets.customerId)).orderBy(wallets.firstSeenAt, wallets.id),
    db
      .select({ n: sql<number>`count(*)`, micros: sql<number>`coalesce(sum(${transactions.usdtMicros}), 0)`, first: sql<number | null>`min(${transactions.at})`, last: sql<number | null>`max(${transactions.at})` })
      .from(transactions)
      .where(inGroup(transactions.customerId)),
    db
      .select({ token: transactions.token, n: sql<number>`count(*)`, micros: sql<number>`sum(${transactions.usdtMicros})` })
      .from(transactions)
      .where(inGroup(transactions.customerId))
      .groupBy(transactions.token)
      .orderBy(sql`3 desc`),
    db
      .select({ chain: transactions.chain, n: sql<number>`count(*)`, micros: sql<number>`sum(${transactions.usdtMicros})` })
      .from(transactions)
      .where(inGroup(transactions.customerId))
      .groupBy(transactions.chain)
      .orderBy(sql`3 desc`),
    db
      .select({ n: sql<number>`count(*)`, sessions: sql<number>`count(distinct ${events.sessionId})` })
      .from(events)
      .where(inGroup(events.customerId)),
    db.select().from(devices).where(inGroup(devices.customerId)).orderBy(desc(devices.lastSeenAt)).limit(1),
    purchaseStats(db, ids, gmt8Day(now)),
  ]);

  // Traits: the newest value of each field wins across merged customers.
  const pick = <K extends 'name' | 'gender' | 'birthDate' | 'membershipLevel'>(k: K) => traitRows.find((t) => t[k] != null)?.[k] ?? null;
  const name = pick('name');
  const birthDate = pick('birthDate');
  const kyc = kycRows[0];
  const totals = txTotals[0]!;
  const d = device[0];
  const firstSeen = Math.min(...group.map((c) => c.firstSeenAt));
  const lastActivity = Math.max(...group.map((c) => c.lastActivityAt));

  return {
    unified_id: unifiedId,
    merged_ids: ids.filter((id) => id !== unifiedId),
    identifiers: idRows.map((r) => ({ type: r.type, value: r.type === 'wallet' ? r.value.slice(r.value.indexOf(':') + 1) : r.value })),
    basic: {
      name,
      avatar_initial: (name ?? unifiedId.slice(2)).trim().charAt(0).toUpperCase(),
      platforms: labelRows.filter((l) => l.kind === 'platform').map((l) => l.value).sort(),
      membership_level: pick('membershipLevel'),
      gender: pick('gender'),
      birth_date: birthDate,
      age_group: ageGroup(birthDate, now),
      tags: labelRows.filter((l) => l.kind === 'tag').map((l) => l.value).sort(),
    },
    activity: {
      first_seen: iso(firstSeen),
      last_activity: iso(lastActivity),
      events_count: Number(activity[0]?.n ?? 0),
      sessions_count: Number(activity[0]?.sessions ?? 0),
    },
    compliance: {
      kyc_status: kyc?.status ?? 'unverified',
      risk_score: kyc?.riskScore ?? null,
      risk_level: kyc?.riskLevel ?? null,
      kyc_applied_at: iso(kyc?.appliedAt),
      kyc_approved_at: iso(kyc?.approvedAt),
      form_numbers: formRows.map((f) => f.formNumber),
      document_id: kyc?.documentId ?? null,
      tasks: taskRows.map((t) => ({ id: t.taskId, name: t.name, status: t.status })),
      updated_at: iso(kyc?.updatedAt),
    },
    wallets: walletRows.map((w) => ({ chain: w.chain, address: w.address, explorer_url: explorerUrl(w.chain, w.address), first_seen: iso(w.firstSeenAt) })),
    assetpro: {
      transaction_count: Number(totals.n),
      transaction_value_usdt: usdt(totals.micros),
      by_token: byToken.map((r) => ({ token: r.token, count: Number(r.n), value_usdt: usdt(r.micros) })),
      by_chain: byChain.map((r) => ({ chain: r.chain, count: Number(r.n), value_usdt: usdt(r.micros) })),
      first_transaction_at: iso(totals.first),
      last_transaction_at: iso(totals.last),
    },
    purchases,
    device: d
      ? {
          device_id: d.deviceId, model: d.model, os: d.os, browser: d.browser, library_version: d.libraryVersion,
          country: d.country, city: d.city, language: d.language, timezone: d.timezone, last_seen: iso(d.lastSeenAt),
        }
      : null,
  };
}

export type Profile = NonNullable<Awaited<ReturnType<typeof buildProfile>>>;

export function ageGroup(birthDate: string | null, now: number): string | null {
  if (!birthDate) return null;
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const today = new Date(now);
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age--;
  if (age < 0 || age > 130) return null;
  if (age < 20) return 'under 20';
  if (age >= 60) return '60+';
  const decade = Math.floor(age / 10) * 10;
  return `${decade}-${decade + 9}`;
}
