import { getTableName } from 'drizzle-orm';
import type { Store, Tx } from '../../db/client.ts';
import { ingestedRecords, kycStates } from '../../db/schema/index.ts';
import { col, columnsOf } from '../../db/sql-names.ts';
import type { IdentityConfig } from '../config.ts';
import { collectIdentifiers, type LinkedIdentifier } from '../identity/collect.ts';
import { IdentityResolver, type RecordRef, type Resolution } from '../identity/resolve.ts';
import { FactBuffer } from './facts.ts';
import { firstSeenDays } from '../metrics/figures.ts';
import { markDirtySql } from '../metrics/rollup.ts';
import { mergeTotals } from '../metrics/root-volume.ts';
import { exposureAlert, kycAlert, NO_KYC } from '../compliance/alert-outbox.ts';
import { screenedAmong } from '../onchain/screening.ts';
import { currentKyc, supersedes, type CurrentKyc } from '../compliance/kyc-state.ts';
import { riskLevelOf } from '../compliance/risk.ts';
import { gmt8Day, type Clock } from '../time.ts';
import { ingestRecord, STANDARD_TRAITS, toMicros, type IngestRecord } from './records.ts';
import { findBadStrings, timestampOutOfRange } from './record-rules.ts';
import { MatchKeys, insertChainTransfers, matchKey, type ChainTransferMeta, type ChainTransferRow } from './onchain-match.ts';
import { fold, refreshAudience, refreshTerms } from '../audience/index-rows.ts';

export interface RecordIssue {
  index: number;
  path: string;
  message: string;
}

export interface PreparedRecord {
  record: IngestRecord;
  ids: LinkedIdentifier[];
  at: number;
  /** Set by the indexer on the transaction records it made from Transfer logs. */
  chain?: ChainTransferMeta;
}

/** The other side of a transfer: from the log when indexed, from the optional field when pushed. */
const counterpartyOf = (p: PreparedRecord) => (p.record.type === 'transaction' ? (p.chain?.counterparty ?? p.record.counterparty) : undefined);

/** Record ids the indexer gives its transactions; a source system may not use them. */
export const INDEXED_ID_PREFIX = 'onchain:';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Records whose every identifier was a blocked placeholder: nothing to file them under. */
  ignored: number;
  unifiedIds: string[];
  /** Compliance alerts this batch wrote to the outbox. */
  alerts: number;
}

/**
 * Validates every record before anything is stored, so a batch is refused whole or taken whole.
 * `now` is the server clock that timestamps may not run more than 24 hours ahead of.
 */
export function prepareRecords(raw: unknown[], cfg: IdentityConfig, now = Date.now(), opts: { indexed?: boolean } = {}): { records: PreparedRecord[]; issues: RecordIssue[] } {
  const records: PreparedRecord[] = [];
  const issues: RecordIssue[] = [];
  raw.forEach((item, index) => {
    // Strings first: a lone surrogate must never reach the database, whatever field it sits in.
    const bad = findBadStrings(item);
    if (bad.length) return issues.push(...bad.map((i) => ({ index, ...i })));
    const parsed = ingestRecord.safeParse(item);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push({ index, path: i.path.join('.') || '(record)', message: i.message });
      return;
    }
    const r = parsed.data;
    const times: [string, string | null | undefined][] = [['timestamp', r.timestamp]];
    if (r.type === 'kyc') times.push(['applied_at', r.applied_at], ['approved_at', r.approved_at]);
    const late = times.flatMap(([path, t]) => {
      const why = t ? timestampOutOfRange(Date.parse(t), now) : undefined;
      return why ? [{ index, path, message: why }] : [];
    });
    if (late.length) return issues.push(...late);
    if (!opts.indexed && r.id?.startsWith(INDEXED_ID_PREFIX)) {
      return issues.push({ index, path: 'id', message: `ids starting with "${INDEXED_ID_PREFIX}" are reserved for transfers User 360 indexes itself` });
    }
    const { ids, issues: idIssues } = collectIdentifiers(r.identifiers, cfg);
    if (idIssues.length) return issues.push(...idIssues.map((i) => ({ index, ...i })));
    records.push({ record: r, ids, at: Date.parse(r.timestamp) });
  });
  return { records, issues };
}

export interface IngestDeps {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
}

/**
 * What every merge does besides re-rooting: both customers' first days are recounted, KYC counts move,
 * volumes are summed, and a merge that changes what compliance knows raises an alert. Ingest and a
 * person's approval (`applyReviewedIdentity`) both merge through this.
 */
function aroundMerge(tx: Tx, facts: FactBuffer, touchedRoots: Set<string>, now: number, onAlert: () => void) {
  return async (keep: string, fold: string, ref: RecordRef, merge: () => Promise<void>) => {
    // Both customers' first days: after the merge only the earlier one counts the customer as new.
    for (const d of await firstSeenDays(tx, [keep, fold])) facts.days.add(d);
    const [a, b] = [await currentKyc(tx, keep), await currentKyc(tx, fold)];
    facts.kycByRoot.delete(keep);
    facts.kycByRoot.delete(fold);
    await merge();
    touchedRoots.add(keep).add(fold);
    await mergeTotals(tx, keep, fold);
    if (!a && !b) return;
    const after = (await currentKyc(tx, keep))!;
    facts.kycMoves.from.push(a, b);
    facts.kycMoves.to.push(after);
    if (!a || !b || (a.status === b.status && a.riskLevel === b.riskLevel)) return;
    const before = after.customerId === a.customerId ? b : a;
    const alert = kycAlert({ unifiedId: keep, before, after, at: ref.at, now, recordId: ref.record?.id, kind: 'merge', reason: `merged ${fold} into ${keep}` });
    if (alert) facts.alerts.push(alert), onAlert();
  };
}

/** Rewrites the find indexes and marks the rollups a batch (or a reviewed merge) changed; facts are flushed first. */
async function finishIdentity(tx: Tx, facts: FactBuffer, customers: string[], roots: string[], now: number) {
  await refreshTerms(tx, customers);
  await refreshAudience(tx, roots);
  const past = [...facts.days].filter((d) => d < gmt8Day(now));
  if (past.length) await tx.run(markDirtySql(past, now));
}

/**
 * A merge or link a person approved from the conflicts review, inside the caller's transaction (which
 * also marks the conflict resolved and writes the audit row): the same resolver and the same merge
 * bookkeeping as ingest, so unified ids, KYC counts, alerts, volumes and rollups stay right.
 */
export async function applyReviewedIdentity(
  tx: Tx, identity: IdentityConfig, now: number, actor: string,
  what: { merge: [string, string]; key?: { type: string; value: string } } | { link: string; id: LinkedIdentifier; seenAt: number },
  ref: RecordRef,
): Promise<{ keep: string; fold?: string; linked?: 'linked' | 'already' }> {
  const facts = new FactBuffer();
  const roots = new Set<string>();
  const resolver = new IdentityResolver(tx, identity, now, actor, aroundMerge(tx, facts, roots, now, () => undefined));
  if ('merge' in what) {
    const r = await resolver.mergeReviewed(what.merge[0], what.merge[1], ref, what.key);
    await facts.flush(tx);
    await finishIdentity(tx, facts, [], [...roots], now);
    return r;
  }
  const r = await resolver.linkReviewed(what.link, what.id, ref);
  const keep = 'merged' in r ? r.merged.keep : what.link;
  // The chain it was seen on, as ingest files it; the group's customer that holds the key keeps it.
  const w = what.id.wallet;
  const holder = resolver.ownerOf(what.id);
  // A pushed sighting: the record the guards refused came from a source, and a person approved it.
  if (w && holder) facts.wallet({ customerId: holder.customerId, chain: w.chain, address: w.address, firstSeenAt: what.seenAt }, true);
  await facts.flush(tx);
  await finishIdentity(tx, facts, [holder?.customerId ?? what.link], [...new Set([keep, ...roots])], now);
  return 'merged' in r ? { keep, fold: r.merged.fold } : { keep, linked: r.linked };
}

/** Checks every record first, then stores the batch whole, or nothing and the issues. */
export async function checkAndIngest(raw: unknown[], actor: string, deps: IngestDeps): Promise<{ issues: RecordIssue[] } | { issues: []; result: IngestResult }> {
  const { records, issues } = prepareRecords(raw, deps.identity, deps.clock().getTime());
  if (issues.length) return { issues };
  return { issues: [], result: await ingestRecords(deps, records, actor) };
}

/** `inTx` runs last inside the batch's transaction (the indexer moves its cursor there). */
export async function ingestRecords(deps: IngestDeps, records: PreparedRecord[], actor: string, inTx?: (tx: Tx) => Promise<void>): Promise<IngestResult> {
  const now = deps.clock().getTime();
  return deps.store.write(async (tx) => {
    const result: IngestResult = { accepted: 0, duplicates: 0, ignored: 0, unifiedIds: [], alerts: 0 };
    const fresh = await claimRecordIds(tx, records, now);
    const facts = new FactBuffer();
    // Customers whose words and roots whose filters this batch may change, for the `find` indexes.
    const touchedCustomers = new Set<string>();
    const touchedRoots = new Set<string>();
    const resolver = new IdentityResolver(tx, deps.identity, now, actor, aroundMerge(tx, facts, touchedRoots, now, () => result.alerts++));
    await resolver.preload(records.flatMap((r) => r.ids));
    const seen: ChainTransferRow[] = [];
    const matches = new MatchKeys(tx);
    await matches.preload(records.flatMap((r, i) => (r.record.type === 'transaction' && fresh.has(i) ? [r.record] : [])));
    const screened = await screenedAmong(tx, records.flatMap((r) => { const c = counterpartyOf(r); return c ? [c] : []; }));
    for (const [index, { record, ids, at, chain }] of records.entries()) {
      if (!fresh.has(index)) {
        result.duplicates++;
        continue;
      }
      const who = await resolver.resolve(ids, { at, record: { type: record.type, id: record.id }, indexed: Boolean(chain) });
      if (!who) {
        result.ignored++;
        continue;
      }
      for (const id of ids) {
        const owner = id.wallet && resolver.ownerOf(id);
        if (owner && owner.rootId === who.unifiedId) {
          facts.wallet({ customerId: owner.customerId, chain: id.wallet!.chain, address: id.wallet!.address, firstSeenAt: at }, !chain);
        }
      }
      if (record.type === 'transaction') {
        const key = matchKey(record, who.unifiedId);
        const own = key === null || (await matches.claim(key, Boolean(chain)));
        if (chain) {
          seen.push({
            recordId: record.id!, chain: record.chain, block: chain.block, blockHash: chain.blockHash, txHash: chain.txHash, logIndex: chain.logIndex, token: record.token,
            wallet: chain.wallet, counterparty: chain.counterparty, direction: record.direction, amount: record.amount, valueMicros: chain.valueMicros, price: chain.price, customerId: who.customerId, at, matchKey: key!, stored: own ? 1 : 0,
          });
        }
        if (!own) {
          result.duplicates++;
          continue;
        }
        const other = counterpartyOf(records[index]!);
        if (other && screened.has(other)) {
          // An indexed transfer without a price carries 0 as its figure; the alert says it had none.
          const valueUsdt = chain && chain.valueMicros === null ? null : record.usdt_value;
          facts.alerts.push(exposureAlert({ unifiedId: who.unifiedId, record, valueUsdt, counterparty: other, label: screened.get(other) ?? null, at, now }));
          result.alerts++;
        }
      }
      facts.touch(who.customerId, at, !chain);
      touchedCustomers.add(who.customerId).add(who.unifiedId);
      touchedRoots.add(who.unifiedId);
      // KYC state is read back per unified customer, so the customers it involves must be stored first.
      if (record.type === 'kyc') await resolver.flush();
      if (await collectFacts(tx, facts, record, who, at, now)) result.alerts++;
      result.accepted++;
      result.unifiedIds.push(who.unifiedId);
    }
    await resolver.flush();
    await matches.flush();
    await facts.flush(tx);
    await insertChainTransfers(tx, seen);
    await finishIdentity(tx, facts, [...touchedCustomers], [...touchedRoots], now);
    if (inTx) await inTx(tx);
    return result;
  });
}

// One JSON parameter per few thousand ids, so the statement is prepared once; `WHERE true` is
// SQLite's way to tell an INSERT … SELECT from the ON CONFLICT clause after it.
const [R_TYPE, R_ID, R_CREATED] = columnsOf(ingestedRecords, ['type', 'id', 'createdAt']);
const CLAIM_RECORD_IDS = `
  INSERT INTO ${getTableName(ingestedRecords)} (${R_TYPE}, ${R_ID}, ${R_CREATED}) SELECT j.value ->> 0, j.value ->> 1, ? FROM json_each(?) AS j WHERE true
  ON CONFLICT DO NOTHING RETURNING ${R_TYPE} AS type, ${R_ID} AS id`;

/** Inserts the batch's record ids under their unique key; the indexes that got a new row are the fresh records. */
async function claimRecordIds(tx: Tx, records: PreparedRecord[], now: number): Promise<Set<number>> {
  const fresh = new Set<number>();
  const firstIndex = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.record.id === undefined) return fresh.add(i);
    const key = `${r.record.type}\u0000${r.record.id}`;
    if (!firstIndex.has(key)) firstIndex.set(key, i);
  });
  const keys = [...firstIndex.keys()];
  for (let i = 0; i < keys.length; i += 5000) {
    const chunk = JSON.stringify(keys.slice(i, i + 5000).map((k) => k.split('\u0000')));
    const { rows } = await tx.$client.execute({ sql: CLAIM_RECORD_IDS, args: [now, chunk] });
    for (const s of rows as unknown as { type: string; id: string }[]) fresh.add(firstIndex.get(`${s.type}\u0000${s.id}`)!);
  }
  return fresh;
}

/** Returns true when the record raised a compliance alert. */
async function collectFacts(tx: Tx, facts: FactBuffer, r: IngestRecord, who: Resolution, at: number, now: number): Promise<boolean> {
  const customerId = who.customerId;
  const day = gmt8Day(at);
  // Any record may be a customer's first, which makes the customer new on its day.
  facts.days.add(day);
  switch (r.type) {
    case 'identify': {
      const t = r.traits ?? {};
      facts.trait({ customerId, name: t.name, gender: t.gender, birthDate: t.birth_date, membershipLevel: t.membership_level, updatedAt: at });
      const platforms = [...(t.platforms ?? []), ...(t.platform ? [t.platform] : [])].map((p) => p.toLowerCase());
      for (const value of t.tags ?? []) facts.labels.set(`${customerId}\u0000tag\u0000${value}`, { customerId, kind: 'tag', value });
      for (const value of platforms) facts.labels.set(`${customerId}\u0000platform\u0000${value}`, { customerId, kind: 'platform', value });
      for (const [key, value] of Object.entries(t)) {
        if ((STANDARD_TRAITS as readonly string[]).includes(key)) continue;
        facts.attribute({ customerId, key, value: JSON.stringify(value), match: fold(String(value)), updatedAt: at });
      }
      return false;
    }
    case 'kyc':
      return storeKyc(tx, facts, r, who, at, now);
    case 'transaction':
      facts.transactions.push({
        customerId, recordId: r.id, at, day, chain: r.chain, token: r.token, amount: r.amount, usdtMicros: toMicros(r.usdt_value), direction: r.direction, txHash: r.tx_hash,
      });
      return false;
    case 'event': {
      facts.events.push({ customerId, recordId: r.id, at, day, name: r.name, sessionId: r.session_id, deviceId: r.device?.id });
      const c = r.campaign;
      if (c && (c.source || c.medium || c.name || c.term || c.content || c.referrer)) {
        facts.campaignTouches.push({ customerId, recordId: r.id, at, source: c.source?.toLowerCase(), medium: c.medium, name: c.name, term: c.term, content: c.content, referrer: c.referrer });
      }
      const d = r.device;
      if (d) {
        facts.device({
          customerId, deviceId: d.id, model: d.model, os: d.os, browser: d.browser, libraryVersion: d.library_version, country: d.country, city: d.city, language: d.language, timezone: d.timezone, lastSeenAt: at,
        });
      }
      return false;
    }
    case 'purchase':
      facts.purchases.push({
        row: { customerId, recordId: r.id, orderId: r.order_id, at, day, amount: Number(r.amount), currency: r.currency },
        items: r.items.map((i) => ({ name: i.name, category: i.category, quantity: i.quantity, price: Number(i.price) })),
      });
      return false;
  }
}

// The argument order of storeKyc's execute. A record replaces the status, score and level; the dates and
// document it does not carry (NULL) keep their stored values.
const STATE_FIELDS = ['customerId', 'status', 'riskScore', 'riskLevel', 'appliedAt', 'approvedAt', 'documentId', 'updatedAt'] as const;
const [S_TABLE, S_UPDATED] = [getTableName(kycStates), col(kycStates, 'updatedAt')];
const replaced = columnsOf(kycStates, ['status', 'riskScore', 'riskLevel']).map((c) => `${c} = excluded.${c}`);
const kept = columnsOf(kycStates, ['appliedAt', 'approvedAt', 'documentId']).map((c) => `${c} = coalesce(excluded.${c}, ${c})`);
const UPSERT_STATE = `
  INSERT INTO ${S_TABLE} (${columnsOf(kycStates, STATE_FIELDS).join(', ')}) VALUES (${STATE_FIELDS.map(() => '?').join(', ')})
  ON CONFLICT (${col(kycStates, 'customerId')}) DO UPDATE SET ${[...replaced, ...kept].join(', ')}, ${S_UPDATED} = excluded.${S_UPDATED}
  WHERE ${S_TABLE}.${S_UPDATED} <= excluded.${S_UPDATED}`;

async function storeKyc(tx: Tx, facts: FactBuffer, r: Extract<IngestRecord, { type: 'kyc' }>, who: Resolution, at: number, now: number): Promise<boolean> {
  const before = facts.kycByRoot.has(who.unifiedId) ? facts.kycByRoot.get(who.unifiedId) : await currentKyc(tx, who.unifiedId);
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
  // A record older than the state it would replace (it arrived late) is history only; fields it does
  // not carry keep their stored values.
  await tx.$client.execute({ sql: UPSERT_STATE, args: [who.customerId, state.status, state.riskScore, state.riskLevel, state.appliedAt ?? null, state.approvedAt ?? null, state.documentId ?? null, at] });
  facts.kycChanges.push({
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
  if (r.form_number) facts.forms.set(`${who.customerId}\u0000${r.form_number}`, { customerId: who.customerId, formNumber: r.form_number, submittedAt: at });
  for (const t of r.tasks ?? []) facts.tasks.set(`${who.customerId}\u0000${t.id}`, { customerId: who.customerId, taskId: t.id, name: t.name, status: t.status, updatedAt: at });
  const mine: CurrentKyc = { customerId: who.customerId, status: r.status, riskScore, riskLevel, updatedAt: at };
  const after = supersedes(at, who.customerId, before) ? mine : before;
  facts.kycByRoot.set(who.unifiedId, after);
  facts.kycMoves.from.push(before);
  facts.kycMoves.to.push(after);
  const alert = kycAlert({ unifiedId: who.unifiedId, before: before ?? NO_KYC, after: after ?? NO_KYC, at, now, reason: r.reason, recordId: r.id });
  if (alert) facts.alerts.push(alert);
  return alert !== null;
}
