import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { insertMany, type Tx } from '../../db/client.ts';
import { RISK_LEVELS, type SearchField } from '../../db/schema/constants.ts';
import { audience, campaignTouches, customers, devices, identifiers, kycStates, onchainReadings, searchTerms, traits, wallets } from '../../db/schema/index.ts';
import { columnsOf, names } from '../../db/sql-names.ts';

/**
 * Keeps the two `find` indexes in step with the source tables, inside the ingest (or merge, split)
 * transaction that changed them: `search_terms` for words, `audience` for the per-root filters.
 * Both are recomputed from the source rows of what the batch touched, so a late or out-of-order
 * record cannot leave them disagreeing with the profile.
 */

const CHUNK = 500;
const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/** Case-folded the same way for stored terms and typed words. */
export const fold = (s: string) => s.normalize('NFKC').toLowerCase().trim();

export function phoneSpellings(e164: string): string[] {
  const out = new Set([e164.replace(/\D/g, '')]);
  const p = parsePhoneNumberFromString(e164);
  if (p) {
    out.add(p.formatNational().replace(/\D/g, ''));
    out.add(String(p.nationalNumber));
  }
  return [...out].filter(Boolean);
}

/** The terms one identifier (in its stored normal form) is found by. */
export function identifierTerms(type: string, value: string): [SearchField, string][] {
  switch (type) {
    case 'email':
      return [['email', fold(value)]];
    case 'phone':
      return phoneSpellings(value).map((d) => ['phone', d]);
    case 'external_id':
      return [['external_id', fold(value)]];
    case 'wallet':
      return [['wallet', fold(value.slice(value.indexOf(':') + 1))]];
    default:
      return [];
  }
}

/** Each word of a name, and the whole name when it has several, so `"alice ch"` finds Alice Chen. */
export function nameTerms(name: string): string[] {
  const whole = fold(name).replace(/\s+/g, ' ');
  const words = whole.split(' ').filter(Boolean);
  return [...new Set(words.length > 1 ? [...words, whole] : words)].map((t) => t.slice(0, 200));
}

const ids = (xs: string[]) => JSON.stringify(xs);

// Raw because it runs inside every ingest batch; names come from the drizzle tables (db/sql-names.ts).
const [A, C, D, I, K, S, T, CT] = [names(audience), names(customers), names(devices), names(identifiers), names(kycStates), names(searchTerms), names(traits), names(campaignTouches)];
const [W, R] = [names(wallets), names(onchainReadings)];
const ID_ROWS = `SELECT i.${I.customerId}, i.${I.type}, i.${I.value} FROM json_each(?) j JOIN ${I.$} i ON i.${I.customerId} = j.value`;
const NAME_ROWS = `SELECT t.${T.customerId}, t.${T.name} FROM json_each(?) j JOIN ${T.$} t ON t.${T.customerId} = j.value WHERE t.${T.name} IS NOT NULL`;
const DROP_TERMS = `DELETE FROM ${S.$} WHERE ${S.customerId} IN (SELECT value FROM json_each(?))`;
const ROOTS = `SELECT c.${C.id} AS id, c.${C.rootId} AS root_id FROM json_each(?) j JOIN ${C.$} c ON c.${C.id} = j.value`;
const TERM_COLS = columnsOf(searchTerms, ['term', 'field', 'customerId', 'rootId']);

/** Rewrites the search terms of these customer nodes from their identifiers, name and id. */
export async function refreshTerms(tx: Tx, customerIds: string[]): Promise<void> {
  for (const part of chunks([...new Set(customerIds)])) {
    const arg = ids(part);
    const idRows = await tx.$client.execute({ sql: ID_ROWS, args: [arg] });
    const nameRows = await tx.$client.execute({ sql: NAME_ROWS, args: [arg] });
    // Each term carries its customer's current root; a later re-root in this transaction moves it (the trigger of migration 0020).
    const roots = new Map((await tx.$client.execute({ sql: ROOTS, args: [arg] })).rows.map((r) => [String(r.id), String(r.root_id)]));
    const rows = new Map<string, [string, string, string, string]>();
    const add = (term: string, field: SearchField, customerId: string) => term && rows.set(`${term}\u0000${field}\u0000${customerId}`, [term, field, customerId, roots.get(customerId)!]);
    for (const id of part) add(fold(id), 'unified_id', id);
    for (const r of idRows.rows as unknown as { customer_id: string; type: string; value: string }[]) {
      for (const [field, term] of identifierTerms(r.type, r.value)) add(term, field, r.customer_id);
    }
    for (const r of nameRows.rows as unknown as { customer_id: string; name: string }[]) for (const t of nameTerms(r.name)) add(t, 'name', r.customer_id);
    await tx.$client.execute({ sql: DROP_TERMS, args: [arg] });
    await insertMany(tx, S.$, TERM_COLS, [...rows.values()]);
  }
}

const RISK_RANK = `CASE k.${K.riskLevel} ${RISK_LEVELS.map((l, i) => `WHEN '${l}' THEN ${i}`).join(' ')} END`;
const NEWEST_KYC = (col: string) =>
  `(SELECT ${col} FROM ${C.$} c CROSS JOIN ${K.$} k ON k.${K.customerId} = c.${C.id} WHERE c.${C.rootId} = r.value ORDER BY k.${K.updatedAt} DESC, k.${K.customerId} DESC LIMIT 1)`;
// The profile's net worth (src/profile/profile.ts): each priced reading of the group's wallets rounded to
// cents (half up, as Math.round does for these non-negative values), summed; null when none is priced.
const NET_WORTH = `(SELECT CAST(sum(round(o.${R.valueMicros} / 10000.0)) * 10000 AS INTEGER) FROM ${C.$} c
      CROSS JOIN ${W.$} w ON w.${W.customerId} = c.${C.id} JOIN ${R.$} o ON o.${R.chain} = w.${W.chain} AND o.${R.address} = w.${W.address}
      WHERE c.${C.rootId} = r.value AND o.${R.valueMicros} IS NOT NULL)`;
const AUDIENCE_COLS = [A.rootId, A.kycStatus, A.riskRank, A.country, A.firstSeenAt, A.lastActivityAt, A.acquisitionSource, A.netWorthMicros];
const SET_AUDIENCE = AUDIENCE_COLS.slice(1).map((c) => `${c} = excluded.${c}`);
// The same choices the profile makes: the newest KYC state and the newest device of the merge group.
const UPSERT_AUDIENCE = `
  INSERT INTO ${A.$} (${AUDIENCE_COLS.join(', ')})
  SELECT r.value,
    coalesce(${NEWEST_KYC(`k.${K.status}`)}, 'unverified'),
    ${NEWEST_KYC(RISK_RANK)},
    (SELECT upper(d.${D.country}) FROM ${C.$} c CROSS JOIN ${D.$} d ON d.${D.customerId} = c.${C.id} WHERE c.${C.rootId} = r.value ORDER BY d.${D.lastSeenAt} DESC LIMIT 1),
    (SELECT min(${C.firstSeenAt}) FROM ${C.$} WHERE ${C.rootId} = r.value),
    (SELECT max(${C.lastActivityAt}) FROM ${C.$} WHERE ${C.rootId} = r.value),
    (SELECT t.${CT.source} FROM ${C.$} c CROSS JOIN ${CT.$} t ON t.${CT.customerId} = c.${C.id} WHERE c.${C.rootId} = r.value ORDER BY t.${CT.at}, t.${CT.id} LIMIT 1),
    ${NET_WORTH}
  FROM json_each(?) r JOIN ${C.$} root ON root.${C.id} = r.value AND root.${C.rootId} = r.value WHERE true
  ON CONFLICT (${A.rootId}) DO UPDATE SET ${SET_AUDIENCE.slice(0, 3).join(', ')},
    ${SET_AUDIENCE.slice(3).join(', ')}`;
const DROP_FOLDED = `DELETE FROM ${A.$} WHERE ${A.rootId} IN (SELECT c.${C.id} FROM json_each(?) r JOIN ${C.$} c ON c.${C.id} = r.value WHERE c.${C.rootId} <> c.${C.id})`;

/** Rewrites the audience row of each id that is a root, and drops the rows of ids merged away. */
export async function refreshAudience(tx: Tx, rootIds: string[]): Promise<void> {
  for (const part of chunks([...new Set(rootIds)])) {
    const arg = ids(part);
    await tx.$client.execute({ sql: UPSERT_AUDIENCE, args: [arg] });
    await tx.$client.execute({ sql: DROP_FOLDED, args: [arg] });
  }
}

const HOLDERS = `SELECT DISTINCT c.${C.rootId} AS root_id FROM json_each(?) j
  JOIN ${W.$} w ON w.${W.chain} = j.value ->> 0 AND w.${W.address} = j.value ->> 1 JOIN ${C.$} c ON c.${C.id} = w.${W.customerId}`;

/**
 * Rewrites the audience rows of the customers holding these wallets (chain, address): their net worth
 * follows a reading stored or dropped in the same transaction. Addresses no customer holds (a `wallet`
 * lookup of a stranger) touch nothing.
 */
export async function refreshWalletHolders(tx: Tx, wallets: [chain: string, address: string][]): Promise<void> {
  for (const part of chunks(wallets)) {
    const { rows } = await tx.$client.execute({ sql: HOLDERS, args: [JSON.stringify(part)] });
    await refreshAudience(tx, rows.map((r) => String(r.root_id)));
  }
}
