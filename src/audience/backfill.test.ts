import { describe, expect, it } from 'vitest';
import { find, ensureFindIndexes, type FindResult } from '../../commands/find.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { identify, ingest, uniq } from '../../test/support/factories.ts';

const store = await createTestStore();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: testConfig().identity, clock };
const ctx = { ...deps, caller: { platform: 'cli' as const, userId: 'op', role: 'admin' as const } };

describe('the find index backfill', () => {
  it('indexes customers stored before the indexes existed, once', async () => {
    const tag = uniq('bf').toLowerCase();
    await ingest(deps, [{ type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: `${tag}-1`, email: `${tag}@example.com` }, traits: { name: 'Old Timer', tags: [tag] } }]);
    // And a merge group: the second customer's terms must come back under the root, not under itself.
    const [kept, other] = [`${tag}-kept@example.com`, `${tag}-other@example.com`];
    await ingest(deps, [identify({ email: kept }), identify({ email: other }, { traits: { name: 'Other Half' } })]);
    const root = (await ingest(deps, [identify({ email: kept, external_id: `${tag}-2` }), identify({ email: other, external_id: `${tag}-2` })])).unifiedIds[0];
    // As a database from before the migration: the source rows are there, the indexes and marker are not.
    await store.client.executeMultiple("DELETE FROM search_terms; DELETE FROM audience; DELETE FROM app_secrets WHERE name = 'audience_index_backfilled';");
    expect(((await find({ query: `old tag:${tag}` }, ctx)) as FindResult).total).toBe(0);
    expect(await ensureFindIndexes(store, clock().getTime())).toBeGreaterThan(0);
    expect(((await find({ query: `old tag:${tag}` }, ctx)) as FindResult).rows.map((r) => r.name)).toEqual(['Old Timer']);
    for (const q of [`${tag}-other`, `${tag}-kept`, `other half`]) expect(((await find({ query: q }, ctx)) as FindResult).rows.map((r) => r.unified_id), q).toEqual([root]);
    expect(await ensureFindIndexes(store, clock().getTime())).toBe(0);
  });
});
