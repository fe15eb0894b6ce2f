import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { insertMany, type Tx } from '../../db/client.ts';
import { RISK_LEVELS, type SearchField } from '../../db/schema/constants.ts';

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

/** Rewrites the search terms of these customer nodes from their identifiers, name and id. */
export async function refreshTerms(tx: Tx, customerIds: string[]): Promise<void> {
  for (const part of chunks([...new Set(customerIds)])) {
    const arg = ids(part);
    const idRows = await tx.$client.execute({ sql: 'SELECT i.customer_id, i.type, i.value FROM json_each(?) j JOIN identifiers i ON i.customer_id = j.value', args: [arg] });
    const nameRows = await tx.$client.execute({ sql: 'SELECT t.customer_id, t.name FROM json_each(?) j JOIN traits t ON t.customer_id = j.value WHERE t.name IS NOT NULL', args: [arg] });
    const rows = new Map<string, [string, string, string]>();
    const add = (term: string, field: SearchField, customerId: string) => term && rows.set(`${term}\u0000${field}\u0000${customerId}`, [term, field, customerId]);
    for (const id of part) add(fold(id), 'unified_id', id);
    for (const r of idRows.rows as unknown as { customer_id: string; type: string; value: string }[]) {
      for (const [field, term] of identifierTerms(r.type, r.value)) add(term, field, r.customer_id);
    }
    for (const r of nameRows.rows as unknown as { customer_id: string; name: string }[]) for (const t of nameTerms(r.name)) add(t, 'name', r.customer_id);
    await tx.$client.execute({ sql: 'DELETE FROM search_terms WHERE customer_id IN (SELECT value FROM json_each(?))', args: [arg] });
    await insertMany(tx, 'search_terms', ['term', 'field', 'customer_id'], [...rows.values()]);
  }
}

const RISK_RANK = `CASE k.risk_level ${RISK_LEVELS.map((l, i) => `WHEN '${l}' THEN ${i}`).join(' ')} END`;
const NEWEST_KYC = (col: string) =>
  `(SELECT ${col} FROM customers c CROSS JOIN kyc_states k ON k.customer_id = c.id WHERE c.root_id = r.value ORDER BY k.updated_at DESC, k.customer_id DESC LIMIT 1)`;
// The same choices the profile makes: the newest KYC state and the newest device of the merge group.
const UPSERT_AUDIENCE = `
  INSERT INTO audience (root_id, kyc_status, risk_rank, country, first_seen_at, last_activity_at, acquisition_source)
  SELECT r.value,
    coalesce(${NEWEST_KYC('k.status')}, 'unverified'),
    ${NEWEST_KYC(RISK_RANK)},
    (SELECT upper(d.country) FROM customers c CROSS JOIN devices d ON d.customer_id = c.id WHERE c.root_id = r.value ORDER BY d.last_seen_at DESC LIMIT 1),
    (SELECT min(first_seen_at) FROM customers WHERE root_id = r.value),
    (SELECT max(last_activity_at) FROM customers WHERE root_id = r.value),
    (SELECT t.source FROM customers c CROSS JOIN campaign_touches t ON t.customer_id = c.id WHERE c.root_id = r.value ORDER BY t.at, t.id LIMIT 1)
  FROM json_each(?) r JOIN customers root ON root.id = r.value AND root.root_id = r.value WHERE true
  ON CONFLICT (root_id) DO UPDATE SET kyc_status = excluded.kyc_status, risk_rank = excluded.risk_rank, country = excluded.country,
    first_seen_at = excluded.first_seen_at, last_activity_at = excluded.last_activity_at, acquisition_source = excluded.acquisition_source`;
const DROP_FOLDED = `DELETE FROM audience WHERE root_id IN (SELECT c.id FROM json_each(?) r JOIN customers c ON c.id = r.value WHERE c.root_id <> c.id)`;

/** Rewrites the audience row of each id that is a root, and drops the rows of ids merged away. */
export async function refreshAudience(tx: Tx, rootIds: string[]): Promise<void> {
  for (const part of chunks([...new Set(rootIds)])) {
    const arg = ids(part);
    await tx.$client.execute({ sql: UPSERT_AUDIENCE, args: [arg] });
    await tx.$client.execute({ sql: DROP_FOLDED, args: [arg] });
  }
}
