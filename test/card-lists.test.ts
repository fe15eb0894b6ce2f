// The two facts the profile card adds (issue 16 items 3 and 6), below the renderers: which refusals
// belong to a customer (merged ones included, resolved ones not), that reading them probes an index
// instead of scanning every conflict, and which hashes may become explorer links.
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { runCommandText } from '../commands/index.ts';
import { identityConflicts } from '../db/schema/index.ts';
import { parseConfig } from '../src/config.ts';
import { txExplorerUrl } from '../src/profile/explorers.ts';
import { CARD_LIST_COLUMNS } from '../src/profile/lists.ts';
import { createTestStore, settableClock } from './support/db.ts';
import { identify, ingest, randomEvm, uniq } from './support/factories.ts';

const store = await createTestStore();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: parseConfig({ IDENTIFIER_LIMITS: 'wallet=1,kakao_id=1' }).identity, clock };
const caller = { platform: 'cli' as const, userId: 'op', role: 'admin' as const };
const refusedOf = async (q: string) => {
  const r = await runCommandText(`lookup ${q}`, { ...deps, caller });
  if (r.kind !== 'profile') throw new Error(r.kind);
  return r.profile.refused_by_guards.map(({ last_at: _, ...x }) => x);
};

describe("a customer's refusals", () => {
  // Planted: the group CTE replaced by the unified id alone (`… = ?1`) → the merged customer's refusal
  // is missing.
  it('include those of a customer merged into it', async () => {
    const [eo, ec] = [`${uniq('o')}@example.com`, `${uniq('c')}@example.com`];
    const [o] = (await ingest(deps, [identify({ email: eo })])).unifiedIds;
    await ingest(deps, [identify({ email: ec, wallets: [{ chain: 'ethereum', address: randomEvm() }] })]);
    await ingest(deps, [identify({ email: ec, wallets: [{ chain: 'ethereum', address: randomEvm() }] })]);
    expect(await refusedOf(eo)).toEqual([]);
    await ingest(deps, [identify({ email: [eo, ec] })]);
    const r = await runCommandText(`lookup ${ec}`, { ...deps, caller });
    expect(r.kind === 'profile' && r.profile.unified_id).toBe(o);
    expect(await refusedOf(eo)).toEqual([{ kind: 'limit', identifier_type: 'wallet', count: 1 }]);
  });

  // Planted: only position 0 of customer_ids matched (the UNION's second half dropped) → the merge
  // refusal is missing from b's card; `resolved_at IS NULL` dropped → the resolved one still counts.
  it('name the customer in either place of a conflict (a refused link or merge), and leave resolved ones out', async () => {
    const [email1, email2, ext1, ext2] = [`${uniq('a')}@example.com`, `${uniq('b')}@example.com`, uniq('x'), uniq('y')];
    const [a] = (await ingest(deps, [identify({ email: email1, wallets: [{ chain: 'ethereum', address: randomEvm() }] })])).unifiedIds;
    await ingest(deps, [identify({ email: email1, wallets: [{ chain: 'ethereum', address: randomEvm() }], kakao_id: [uniq('k'), uniq('k')] })]);
    const [b] = (await ingest(deps, [identify({ email: email2, external_id: ext1 })])).unifiedIds;
    // Each gets its own external id, so the record naming both emails is a refused merge, kept as [a, b].
    await ingest(deps, [identify({ email: email1, external_id: ext2 })]);
    await ingest(deps, [identify({ email: [email1, email2] })]);
    expect(await refusedOf(`${email2}`)).toEqual([{ kind: 'external_id', identifier_type: null, count: 1 }]);
    expect(await refusedOf(email1)).toEqual([
      { kind: 'external_id', identifier_type: null, count: 1 },
      { kind: 'limit', identifier_type: 'kakao_id', count: 1 },
      { kind: 'limit', identifier_type: 'wallet', count: 1 },
    ]);
    expect(a).not.toBe(b);
    await store.db.update(identityConflicts).set({ resolvedAt: clock().getTime() }).where(eq(identityConflicts.identifierType, 'kakao_id'));
    expect((await refusedOf(email1)).map((r) => r.kind + (r.identifier_type ?? ''))).toEqual(['external_id', 'limitwallet']);
  });

  // Planted: `= g.id` without the `+` → SQLite scans identity_conflicts (no SEARCH … USING INDEX).
  it('are read through the customer_ids indexes, not a scan of every conflict', async () => {
    const plan = await store.db.all<{ detail: string }>(sql.raw(`EXPLAIN QUERY PLAN WITH g AS MATERIALIZED (SELECT id FROM customers WHERE root_id = 'u_x') SELECT ${CARD_LIST_COLUMNS.replaceAll('?1', "'u_x'")}`));
    const details = plan.map((p) => p.detail);
    expect(details).toContain('SEARCH c USING INDEX identity_conflicts_first_customer_idx (<expr>=?)');
    expect(details).toContain('SEARCH c USING INDEX identity_conflicts_second_customer_idx (<expr>=?)');
    expect(details.filter((d) => /^SCAN c\b/.test(d))).toEqual([]);
  });
});

describe('explorer links for transaction hashes', () => {
  const hex = 'a1'.repeat(32);
  it.each([
    ['ethereum', `0x${hex}`, `https://etherscan.io/tx/0x${hex}`],
    ['base', `0x${hex.toUpperCase()}`, `https://basescan.org/tx/0x${hex.toUpperCase()}`],
    ['tron', hex, `https://tronscan.org/#/transaction/${hex}`],
    ['bitcoin', hex, `https://mempool.space/tx/${hex}`],
    ['solana', '5'.repeat(87), `https://solscan.io/tx/${'5'.repeat(87)}`],
    ['ethereum', hex, null],
    ['ethereum', `0x${hex}0`, null],
    ['ethereum', `0x${hex.slice(2)}zz`, null],
    ['tron', `0x${hex}`, null],
    ['solana', `${'5'.repeat(86)}0`, null],
    ['ethereum', `0x${hex}\n`, null],
    ['ethereum', `0x${hex}|x>`, null],
    ['dogecoin', hex, null],
    ['__proto__', hex, null],
  ])('%s %s → %s', (chain, hash, url) => expect(txExplorerUrl(chain, hash)).toBe(url));
});
