import type { IdentityConfig } from '../config.ts';
import type { Identifiers } from '../ingest/records.ts';
import { IDENTIFIER_TYPES, IdentifierError, isBlockedValue, normalizeIdentifier, normalizeWallet, type IdentifierType, type WalletChain } from './normalize.ts';

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
        add({ type, value: normalizeIdentifier(type, v, cfg) });
      } catch (e) {
        if (!(e instanceof IdentifierError)) throw e;
        issues.push({ path, message: e.message });
      }
    });
  }
  (raw.wallets ?? []).forEach((w, i) => {
    try {
      const n = normalizeWallet(w.chain, w.address);
      add({ type: 'wallet', value: n.key, wallet: { chain: n.chain, address: n.address } });
    } catch (e) {
      if (!(e instanceof IdentifierError)) throw e;
      issues.push({ path: `identifiers.wallets.${i}.address`, message: e.message });
    }
  });
  return { ids, issues };
}
