import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Store, Tx } from '../../db/client.ts';
import {
  complianceForms, customers, devices, events, ingestedRecords, kycChanges, kycStates, kycTasks, labels, purchaseItems, purchases, traits, transactions,
  type KycStatus, type RiskLevel,
} from '../../db/schema/index.ts';
import type { IdentityConfig } from '../config.ts';
import { collectIdentifiers, type LinkedIdentifier } from '../identity/collect.ts';
import { resolveIdentity, type Resolution } from '../identity/resolve.ts';
import { riskLevelOf } from '../risk.ts';
import { gmt8Day, type Clock } from '../time.ts';
import { ingestRecord, toMicros, type IngestRecord } from './records.ts';

export interface RecordIssue {
  index: number;
  path: string;
  message: string;
}

export interface PreparedRecord {
  record: IngestRecord;
  ids: LinkedIdentifier[];
  at: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Records whose every identifier was a blocked placeholder: nothing to file them under. */
  ignored: number;
  unifiedIds: string[];
}

/** Validates every record before anything is stored, so a batch is refused whole or taken whole. */
export function prepareRecords(raw: unknown[], cfg: IdentityConfig): { records: PreparedRecord[]; issues: RecordIssue[] } {
  const records: PreparedRecord[] = [];
  const issues: RecordIssue[] = [];
  raw.forEach((item, index) => {
    const parsed = ingestRecord.safeParse(item);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push({ index, path: i.path.join('.') || '(record)', message: i.message });
      return;
    }
    const { ids, issues: idIssues } = collectIdentifiers(parsed.data.identifiers, cfg);
    if (idIssues.length) return issues.push(...idIssues.map((i) => ({ index, ...i })));
    records.push({ record: parsed.data, ids, at: Date.parse(parsed.data.timestamp) });
  });
  return { records, issues };
}

export interface IngestDeps {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
}

export async function ingestRecords(deps: IngestDeps, records: PreparedRecord[], actor: string): Promise<IngestResult> {
  const now = deps.clock().getTime();
  return deps.store.write(async (tx) => {
    const result: IngestResult = { accepted: 0, duplicates: 0, ignored: 0, unifiedIds: [] };
    for (const { record, ids, at } of records) {
      if (record.id !== undefined) {
        const fresh = await tx.insert(ingestedRecords).values({ type: record.type, id: record.id, createdAt: now }).onConflictDoNothing().returning();
        if (fresh.length === 0) {
          result.duplicates++;
          continue;
        }
      }
      const who = await resolveIdentity(tx, ids, { cfg: deps.identity, at, now, actor, record: { type: record.type, id: record.id } });
      if (!who) {
        result.ignored++;
        continue;
      }
      await storeFacts(tx, record, who, at, now);
      result.accepted++;
      result.unifiedIds.push(who.unifiedId);
    }
    return result;
  });
}

async function storeFacts(tx: Tx, r: IngestRecord, who: Resolution, at: number, now: number): Promise<void> {
  const customerId = who.customerId;
  const day = gmt8Day(at);
  switch (r.type) {
    case 'identify': {
      const t = r.traits ?? {};
      const values = { name: t.name, gender: t.gender, birthDate: t.birth_date, membershipLevel: t.membership_level };
      const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
      await tx
        .insert(traits)
        .values({ customerId, ...values, updatedAt: at })
        .onConflictDoUpdate({ target: traits.customerId, set: { ...set, updatedAt: sql`max(${traits.updatedAt}, ${at})` } });
      const platforms = [...(t.platforms ?? []), ...(t.platform ? [t.platform] : [])];
      const rows = [...(t.tags ?? []).map((value) => ({ kind: 'tag' as const, value })), ...platforms.map((value) => ({ kind: 'platform' as const, value: value.toLowerCase() }))];
      if (rows.length) await tx.insert(labels).values(rows.map((l) => ({ customerId, ...l }))).onConflictDoNothing();
      return;
    }
    case 'kyc':
      return storeKyc(tx, r, who, at, now);
    case 'transaction':
      await tx.insert(transactions).values({
        customerId, recordId: r.id, at, day, chain: r.chain, token: r.token, amount: r.amount, usdtMicros: toMicros(r.usdt_value), direction: r.direction, txHash: r.tx_hash,
      });
      return;
    case 'event': {
      await tx.insert(events).values({ customerId, recordId: r.id, at, day, name: r.name, sessionId: r.session_id, deviceId: r.device?.id });
      if (r.device) {
        const d = r.device;
        const fields = { model: d.model, os: d.os, browser: d.browser, libraryVersion: d.library_version, country: d.country, city: d.city, language: d.language, timezone: d.timezone };
        await tx
          .insert(devices)
          .values({ customerId, deviceId: d.id, ...fields, lastSeenAt: at })
          .onConflictDoUpdate({
            target: [devices.customerId, devices.deviceId],
            set: { ...fields, lastSeenAt: at },
            setWhere: sql`${devices.lastSeenAt} <= ${at}`,
          });
      }
      return;
    }
    case 'purchase': {
      const [row] = await tx
        .insert(purchases)
        .values({ customerId, recordId: r.id, orderId: r.order_id, at, day, amount: Number(r.amount), currency: r.currency })
        .returning({ id: purchases.id });
      if (r.items.length) {
        await tx.insert(purchaseItems).values(r.items.map((i) => ({ purchaseId: row!.id, name: i.name, category: i.category, quantity: i.quantity, price: Number(i.price) })));
      }
      return;
    }
  }
}

export interface KycSnapshot {
  status: KycStatus;
  riskScore: number | null;
  riskLevel: RiskLevel | null;
}

/** The unified customer's current KYC state: the newest state held by any customer merged into it. */
export async function currentKyc(tx: Tx, unifiedId: string): Promise<KycSnapshot & { customerId: string } | undefined> {
  const group = tx.select({ id: customers.id }).from(customers).where(eq(customers.rootId, unifiedId));
  const [row] = await tx.select().from(kycStates).where(inArray(kycStates.customerId, group)).orderBy(desc(kycStates.updatedAt)).limit(1);
  return row && { customerId: row.customerId, status: row.status, riskScore: row.riskScore, riskLevel: row.riskLevel };
}

async function storeKyc(tx: Tx, r: Extract<IngestRecord, { type: 'kyc' }>, who: Resolution, at: number, now: number): Promise<void> {
  const before = await currentKyc(tx, who.unifiedId);
  const riskScore = r.risk_score ?? before?.riskScore ?? null;
  const riskLevel = riskScore === null ? null : riskLevelOf(riskScore);
  const state = {
    status: r.status,
    riskScore,
    riskLevel,
    appliedAt: r.applied_at ? Date.parse(r.applied_at) : undefined,
    approvedAt: r.approved_at ? Date.parse(r.approved_at) : undefined,
    documentId: r.document_id ?? undefined,
    updatedAt: at,
  };
  const set = Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined));
  await tx.insert(kycStates).values({ customerId: who.customerId, ...state }).onConflictDoUpdate({ target: kycStates.customerId, set });
  await tx.insert(kycChanges).values({
    customerId: who.customerId,
    recordId: r.id,
    at,
    day: gmt8Day(at),
    fromStatus: before?.status ?? 'unverified',
    toStatus: r.status,
    fromScore: before?.riskScore ?? null,
    toScore: riskScore,
    fromLevel: before?.riskLevel ?? null,
    toLevel: riskLevel,
    reason: r.reason,
    createdAt: now,
  });
  if (r.form_number) await tx.insert(complianceForms).values({ customerId: who.customerId, formNumber: r.form_number, submittedAt: at }).onConflictDoNothing();
  for (const t of r.tasks ?? []) {
    await tx
      .insert(kycTasks)
      .values({ customerId: who.customerId, taskId: t.id, name: t.name, status: t.status, updatedAt: at })
      .onConflictDoUpdate({ target: [kycTasks.customerId, kycTasks.taskId], set: { name: t.name, status: t.status, updatedAt: at } });
  }
}
