import type { IdentityConfig } from '../config.ts';
import type { Identifiers } from '../ingest/records.ts';
import { IDENTIFIER_TYPES, IdentifierError, isBlockedValue, normalizeIdentifier, normalizeWallet, type IdentifierType, type NormalizedWallet, type WalletChain } from './normalize.ts';

export interface LinkedIdentifier {
  type: IdentifierType;
  /** The normal form, unique per type; wallets use their `<family>:<address>` key. */
  value: string;
  wallet?: { chain: WalletChain; address: string };
}

export interface IdentifierIssue {
  path: string;
  message: string;
}

// Source systems repeat the same wallets and phones record after record, and checksumming an address
// (keccak) or parsing a phone costs far more than a map lookup. Bounded, so memory stays flat.
const memo = new Map<string, string | NormalizedWallet | IdentifierError>();
const MEMO_MAX = 200_000;
function remember<T extends string | NormalizedWallet>(key: string, make: () => T): T {
  let hit = memo.get(key);
  if (hit === undefined) {
    try {
      hit = make();
    } catch (e) {
      if (!(e instanceof IdentifierError)) throw e;
      hit = e;
    }
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(key, hit);
  }
  if (hit instanceof IdentifierError) throw hit;
  return hit as T;
}

/**
 * Turns a record's raw identifiers into normal forms. Blocked placeholders are dropped silently
 * (the record is still accepted); malformed values become issues that make the record bad.
 */
export function collectIdentifiers(raw: Identifiers, cfg: IdentityConfig): { ids: LinkedIdentifier[]; issues: IdentifierIssue[] } {
  const ids: LinkedIdentifier[] = [];
  const issues: IdentifierIssue[] = [];
  const seen = new Set<string>();
  const add = (id: LinkedIdentifier) => {
    const key = `${id.type}\u0000${id.value}\u0000${id.wallet?.chain ?? ''}`;
    if (!seen.has(key)) ids.push(id), seen.add(key);
  };

  for (const type of IDENTIFIER_TYPES) {
    if (type === 'wallet') continue;
    const value = raw[type];
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      if (isBlockedValue(v, cfg.blocked)) return;
      const path = Array.isArray(value) ? `identifiers.${type}.${i}` : `identifiers.${type}`;
      try {
        add({ type, value: remember(`${type}\u0000${cfg.defaultRegion}\u0000${v}`, () => normalizeIdentifier(type, v, cfg)) });
      } catch (e) {
        if (!(e instanceof IdentifierError)) throw e;
        issues.push({ path, message: e.message });
      }
    });
  }
  (raw.wallets ?? []).forEach((w, i) => {
    try {
      const n = remember(`wallet\u0000${w.chain}\u0000${w.address}`, () => normalizeWallet(w.chain, w.address));
      add({ type: 'wallet', value: n.key, wallet: { chain: n.chain, address: n.address } });
    } catch (e) {
      if (!(e instanceof IdentifierError)) throw e;
      issues.push({ path: `identifiers.wallets.${i}.address`, message: e.message });
    }
  });
  return { ids, issues };
}
