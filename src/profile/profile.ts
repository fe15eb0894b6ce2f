import type { Store } from '../../db/client.ts';
import type { KycStatus, RiskLevel } from '../../db/schema/constants.ts';
import {
  alerts, attributes, campaignTouches, chainTransfers, complianceForms, customers, devices, events, identifiers, kycStates, kycTasks, labels,
  onchainReadings, traits, transactions, wallets,
} from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';
import { explorerUrl } from './explorers.ts';
import { purchaseStats } from './purchases.ts';
import { CARD_LIST_SECTIONS, cardLists } from './lists.ts';
import { gmt8Day } from '../time.ts';
import { lifecycleStage } from '../audience/rows.ts';
import { CURRENT_VERSION, modelRow, modelStatement, type ModelRead, type Section } from './read-model.ts';

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
const usdt = (micros: number | null | undefined) => Math.round(Number(micros ?? 0) / 1e4) / 100;

// Names from the drizzle tables (db/sql-names.ts); `j(T, …)` is a comma list of T's columns.
const [C, I, TR, L, AT, K, F, KT, W, R, CT, AL, T, E, CP, D] = [
  names(customers), names(identifiers), names(traits), names(labels), names(attributes), names(kycStates), names(complianceForms), names(kycTasks),
  names(wallets), names(onchainReadings), names(chainTransfers), names(alerts), names(transactions), names(events), names(campaignTouches), names(devices),
];
const j = <N extends Record<string, string>>(t: N, ...fields: (keyof N & string)[]) => fields.map((f) => t[f]).join(', ');
const inGroup = (t: { customerId: string }) => `${t.customerId} IN (SELECT ${C.id} FROM g)`;
const LIST = (cols: string, from: string) => `(SELECT json_group_array(json_array(${cols})) FROM (${from}))`;
const transfersAt = (agg: string) => `(SELECT ${agg}(t.${CT.at}) FROM ${CT.$} t WHERE t.${CT.wallet} = w.${W.address} AND t.${CT.chain} = w.${W.chain})`;
// The stored on-chain readings of the group's wallets, with first and last indexed transfer. A lookup
// never calls a node: the profile says when each reading was taken.
const ONCHAIN = `SELECT r.*, ${transfersAt('min')} AS first_at,
  ${transfersAt('max')} AS last_at
  FROM ${W.$} w JOIN ${R.$} r ON r.${R.chain} = w.${W.chain} AND r.${R.address} = w.${W.address} WHERE w.${inGroup(W)}`;
const TOUCH = j(CP, 'source', 'medium', 'name', 'term', 'content', 'referrer', 'at');
const txBy = (col: string) => `SELECT ${col}, count(*) AS n, total(${T.usdtMicros}) AS m FROM ${T.$} WHERE ${inGroup(T)} GROUP BY ${col} ORDER BY m DESC`;

// The whole profile but purchases, one column a section, each as JSON: a lookup is latency-bound, and
// every statement costs a prepare and a step. Nothing in it depends on the clock, so its row is what
// the read model keeps (read-model.ts).
const GROUP = `g AS MATERIALIZED (SELECT ${j(C, 'id', 'createdAt', 'firstSeenAt', 'lastActivityAt')} FROM ${C.$} WHERE ${C.rootId} = ?1)`;
const SECTIONS: Section[] = [
  ['grp', LIST(j(C, 'id', 'firstSeenAt', 'lastActivityAt'), `SELECT * FROM g ORDER BY ${C.createdAt}, ${C.id}`)],
  ['ids', LIST(j(I, 'type', 'value'), `SELECT ${j(I, 'type', 'value')} FROM ${I.$} WHERE ${inGroup(I)} ORDER BY ${I.id}`)],
  ['traits', LIST(j(TR, 'name', 'gender', 'birthDate', 'membershipLevel'), `SELECT * FROM ${TR.$} WHERE ${inGroup(TR)} ORDER BY ${TR.updatedAt} DESC`)],
  ['labels', LIST(j(L, 'kind', 'value'), `SELECT ${j(L, 'kind', 'value')} FROM ${L.$} WHERE ${inGroup(L)} ORDER BY ${L.value}`)],
  ['attrs', LIST(j(AT, 'key', 'value'), `SELECT ${j(AT, 'key', 'value')} FROM ${AT.$} WHERE ${inGroup(AT)} ORDER BY ${AT.updatedAt} DESC, ${AT.key}`)],
  ['kyc', `(SELECT json_array(${j(K, 'status', 'riskScore', 'riskLevel', 'appliedAt', 'approvedAt', 'documentId', 'updatedAt')}) FROM ${K.$}
      WHERE ${inGroup(K)} ORDER BY ${K.updatedAt} DESC, ${K.customerId} DESC LIMIT 1)`],
  ['forms', LIST(F.formNumber, `SELECT ${F.formNumber} FROM ${F.$} WHERE ${inGroup(F)} ORDER BY ${F.submittedAt}`)],
  ['tasks', LIST(j(KT, 'taskId', 'name', 'status'), `SELECT * FROM ${KT.$} WHERE ${inGroup(KT)} ORDER BY ${KT.updatedAt}`)],
  ['wallets', LIST(j(W, 'chain', 'address', 'firstSeenAt'), `SELECT * FROM ${W.$} WHERE ${inGroup(W)} ORDER BY ${W.firstSeenAt}, ${W.id}`)],
  ['onchain', LIST(`${j(R, 'chain', 'address', 'kind', 'holdings', 'valueMicros', 'block', 'readAt')}, first_at, last_at`, ONCHAIN)],
  ['exposure', LIST(j(AL, 'reason', 'at'), `SELECT ${j(AL, 'reason', 'at')} FROM ${AL.$} WHERE ${AL.unifiedId} = ?1 AND ${AL.kind} = 'exposure' ORDER BY ${AL.at} DESC LIMIT 20`)],
  ['tx', `(SELECT json_array(count(*), total(${T.usdtMicros}), min(${T.at}), max(${T.at})) FROM ${T.$} WHERE ${inGroup(T)})`],
  ['by_token', LIST(`${T.token}, n, m`, txBy(T.token))],
  ['by_chain', LIST(`${T.chain}, n, m`, txBy(T.chain))],
  ['activity', `(SELECT json_array(count(*), count(DISTINCT ${E.sessionId})) FROM ${E.$} WHERE ${inGroup(E)})`],
  ['first_touch', `(SELECT json_array(${TOUCH}) FROM ${CP.$} WHERE ${inGroup(CP)} ORDER BY ${CP.at}, ${CP.id} LIMIT 1)`],
  ['last_touch', `(SELECT json_array(${TOUCH}) FROM ${CP.$} WHERE ${inGroup(CP)} ORDER BY ${CP.at} DESC, ${CP.id} DESC LIMIT 1)`],
  ['touches', `(SELECT count(*) FROM ${CP.$} WHERE ${inGroup(CP)})`],
  ['device', `(SELECT json_array(${j(D, 'deviceId', 'model', 'os', 'browser', 'libraryVersion', 'country', 'city', 'language', 'timezone', 'lastSeenAt')}) FROM ${D.$}
      WHERE ${inGroup(D)} ORDER BY ${D.lastSeenAt} DESC LIMIT 1)`],
  ...CARD_LIST_SECTIONS,
];
/** The sections built from the live rows, with the version of the root they were read at. */
export const SQL = `WITH ${GROUP}\n  SELECT ${CURRENT_VERSION} AS version,\n    ${SECTIONS.map(([name, expr]) => `${expr} AS ${name}`).join(',\n    ')}`;
/** The same, answered from the stored row when it is current (read-model.ts). */
const MODEL_SQL = modelStatement(GROUP, SECTIONS);

type J = unknown[];
type OnchainRow = [string, string, string, string, number | null, number, number, number | null, number | null];

/** `wallets[].onchain` of §7, or null for a wallet never read (not an EVM chain being followed, or not read yet). */
function onchainOf(rows: OnchainRow[], chain: string, address: string) {
  const r = rows.find(([c, a]) => c === chain && a === address);
  if (!r) return null;
  const [, , kind, holdings, micros, block, readAt, firstAt, lastAt] = r;
  const h = JSON.parse(holdings) as { native: { symbol: string; balance: string; value_usdt: number | null; price: unknown }; tokens: { symbol: string; address: string; balance: string; value_usdt: number | null; price: unknown }[] };
  return {
    native_balance: h.native.balance,
    native: h.native,
    tokens: h.tokens,
    value_usdt: micros === null ? null : usdt(micros),
    kind,
    block,
    read_at: iso(readAt),
    first_activity: iso(firstAt),
    last_activity: iso(lastAt),
  };
}
const json = <T = J[]>(v: unknown): T => JSON.parse(String(v ?? 'null')) as T;

/** The profile statement's row for one root, built from the live rows. */
export const freshRow = async (store: Pick<Store, 'read'>, unifiedId: string) => (await store.read(SQL, [unifiedId]))[0]!;

export interface BuildOptions {
  /** `false` builds from the live rows and leaves the read model alone (tests compare the two). */
  model?: boolean;
  /** Told whether the read model answered (tests and the bench). */
  onModel?: (read: ModelRead) => void;
}

/**
 * The User DNA of SPEC §1 for one unified customer, in the JSON shape of `GET /v1/profiles/:identifier`.
 * The clock-free sections come from the read model (read-model.ts); purchases, age group and lifecycle
 * stage are computed from `now` on every call.
 */
export async function buildProfile(store: Pick<Store, 'read' | 'record'>, unifiedId: string, now: number, opts: BuildOptions = {}) {
  const section = opts.model === false
    ? freshRow(store, unifiedId)
    : modelRow(store, unifiedId, MODEL_SQL).then((m) => (opts.onModel?.(m), m.row));
  const [r, purchases] = await Promise.all([section, purchaseStats(store, unifiedId, gmt8Day(now))]);
  const lists = cardLists(r);
  const group = json<[string, number, number][]>(r.grp);
  if (group.length === 0) return null;
  const ids = group.map(([id]) => id);
  const traitRows = json<(string | null)[][]>(r.traits);
  // Traits: the newest value of each field wins across merged customers.
  const pick = (i: number) => traitRows.find((t) => t[i] != null)?.[i] ?? null;
  const name = pick(0);
  const birthDate = pick(2);
  const labelRows = json<[string, string][]>(r.labels);
  const kyc = json<[string, number | null, string | null, number | null, number | null, string | null, number] | null>(r.kyc);
  const [txCount, txMicros, txFirst, txLast] = json<[number, number, number | null, number | null]>(r.tx);
  const [events, sessions] = json<[number, number]>(r.activity);
  const d = json<[string, ...(string | null)[]] | null>(r.device);
  const onchainRows = json<OnchainRow[]>(r.onchain);
  const wallets = json<[string, string, number][]>(r.wallets).map(([chain, address, seen]) => ({
    chain, address, explorer_url: explorerUrl(chain, address), first_seen: iso(seen), onchain: onchainOf(onchainRows, chain, address),
  }));
  const read = wallets.flatMap((w) => (w.onchain ? [w.onchain] : []));

  return {
    unified_id: unifiedId,
    merged_ids: ids.filter((id) => id !== unifiedId),
    identifiers: json<[string, string][]>(r.ids).map(([type, value]) => ({ type, value: type === 'wallet' ? value.slice(value.indexOf(':') + 1) : value })),
    basic: {
      name,
      avatar_initial: (name ?? unifiedId.slice(2)).trim().charAt(0).toUpperCase(),
      platforms: labelRows.filter(([k]) => k === 'platform').map(([, v]) => v),
      membership_level: pick(3),
      gender: pick(1),
      birth_date: birthDate,
      age_group: ageGroup(birthDate, now),
      tags: labelRows.filter(([k]) => k === 'tag').map(([, v]) => v),
    },
    // Custom attributes (SPEC §8): across merged customers the newest value of each key wins.
    attributes: attributesOf(json<[string, string][]>(r.attrs)),
    activity: {
      first_seen: iso(Math.min(...group.map((c) => c[1]))),
      last_activity: iso(Math.max(...group.map((c) => c[2]))),
      events_count: events,
      sessions_count: sessions,
      lifecycle_stage: lifecycleStage(Math.min(...group.map((c) => c[1])), Math.max(...group.map((c) => c[2])), now),
    },
    // Campaign attribution (SPEC §8): the oldest and newest touch across the merge group.
    campaigns: { first_touch: touchOf(r.first_touch), last_touch: touchOf(r.last_touch), touches: Number(r.touches ?? 0) },
    compliance: {
      kyc_status: (kyc?.[0] ?? 'unverified') as KycStatus,
      risk_score: kyc?.[1] ?? null,
      risk_level: (kyc?.[2] ?? null) as RiskLevel | null,
      kyc_applied_at: iso(kyc?.[3]),
      kyc_approved_at: iso(kyc?.[4]),
      form_numbers: json<[string][]>(r.forms).map(([f]) => f),
      document_id: kyc?.[5] ?? null,
      tasks: sortTasks(json<[string, string, string][]>(r.tasks).map(([id, taskName, status]) => ({ id, name: taskName, status }))),
      updated_at: iso(kyc?.[6]),
      /** Transfers with screened addresses (the newest 20), as their exposure alerts describe them. */
      exposure: json<[string, number][]>(r.exposure).map(([what, at]) => ({ transfer: what, at: iso(at) })),
    },
    wallets,
    assetpro: {
      transaction_count: txCount,
      transaction_value_usdt: usdt(txMicros),
      by_token: json<[string, number, number][]>(r.by_token).map(([token, count, m]) => ({ token, count, value_usdt: usdt(m) })),
      by_chain: json<[string, number, number][]>(r.by_chain).map(([chain, count, m]) => ({ chain, count, value_usdt: usdt(m) })),
      first_transaction_at: iso(txFirst),
      last_transaction_at: iso(txLast),
      // Sum of the wallets' priced holdings; null when no wallet has a reading with a price.
      net_worth_usdt: read.some((o) => o.value_usdt !== null) ? Math.round(read.reduce((s, o) => s + (o.value_usdt ?? 0) * 100, 0)) / 100 : null,
      // The oldest reading behind the net worth: how old the on-chain part of this profile is.
      onchain_read_at: read.length ? read.map((o) => o.read_at!).sort()[0]! : null,
      /** The newest transactions (one page); the rest page through `lookup … --section transactions`. */
      recent_transactions: lists.recent,
    },
    /** What the identity guards refused for this customer and still await review (`user360 conflicts`). */
    refused_by_guards: lists.refused,
    purchases,
    device: d
      ? {
          device_id: d[0], model: d[1] ?? null, os: d[2] ?? null, browser: d[3] ?? null, library_version: d[4] ?? null,
          country: d[5] ?? null, city: d[6] ?? null, language: d[7] ?? null, timezone: d[8] ?? null, last_seen: iso(d[9] as unknown as number),
        }
      : null,
  };
}

type TouchRow = [string | null, string | null, string | null, string | null, string | null, string | null, number];
function touchOf(v: unknown) {
  const t = json<TouchRow | null>(v);
  return t && { source: t[0], medium: t[1], name: t[2], term: t[3], content: t[4], referrer: t[5], at: iso(t[6]) };
}

function attributesOf(rows: [string, string][]): Record<string, string | number | boolean> {
  const out = new Map<string, string | number | boolean>();
  for (const [key, value] of rows) if (!out.has(key)) out.set(key, JSON.parse(value) as string | number | boolean);
  return Object.fromEntries([...out].sort(([a], [b]) => a.localeCompare(b)));
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

/** Task statuses that need nothing more from anyone; every other status (pending, open, …) comes first. */
const FINISHED = new Set(['done', 'completed', 'complete', 'approved', 'passed', 'verified', 'succeeded', 'closed', 'skipped', 'failed', 'rejected', 'cancelled', 'canceled']);
// Made on first use: a process's first Intl object starts ICU (~8 ms), which a card without two tasks to order never needs.
let natural: Intl.Collator | undefined;

/** Tasks still to do first, then by id in natural order (T-2 before T-10). */
export function sortTasks<T extends { id: string; status: string }>(tasks: T[]): T[] {
  const finished = (t: T) => (FINISHED.has(t.status.trim().toLowerCase()) ? 1 : 0);
  return [...tasks].sort((a, b) => finished(a) - finished(b) || (natural ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' })).compare(a.id, b.id));
}
