import { describe, expect, it } from 'vitest';
import { kycSnapshot } from '../metrics/figures.ts';
import { splitCustomer } from '../identity/split.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { identify, ingest, uniq } from '../../test/support/factories.ts';
import { seededRandom } from '../seed/random.ts';
import { kycNow } from './kyc-state.ts';

describe('kyc_counts', () => {
  it('agrees with a full recount from the KYC history through changes, merges and a split', async () => {
    const store = await createTestStore();
    const clock = settableClock('2026-11-25T12:00:00+08:00');
    const deps = { store, identity: testConfig().identity, clock };
    const rnd = seededRandom(7);
    const emails = Array.from({ length: 30 }, () => `${uniq('k')}@example.com`);
    await ingest(deps, emails.map((email) => identify({ email })));
    const recount = async () => {
      const [now, full] = [await kycNow(store.db), await kycSnapshot(store.db, Date.now() + 1e12)];
      expect(now).toEqual(full);
    };
    for (let round = 0; round < 6; round++) {
      clock.advance(60_000);
      const at = new Date(clock().getTime()).toISOString();
      const late = new Date(clock().getTime() - 3_600_000).toISOString(); // records that arrive out of order
      await ingest(deps, Array.from({ length: 20 }, (_, i) => ({
        type: 'kyc', id: uniq(), timestamp: i % 5 === 4 ? late : at, identifiers: { email: rnd.pick(emails) },
        status: rnd.pick(['pending', 'verified', 'rejected']), risk_score: rnd.int(0, 100),
      })));
      await recount();
      // Link two random people: their KYC states become one.
      const [a, b] = [rnd.pick(emails), rnd.pick(emails)];
      await ingest(deps, [identify({ email: [a, b] }, { timestamp: at })]);
      await recount();
      if (round === 3 && a !== b) {
        const merged = (await store.db.query.customers.findMany()).find((c) => c.parentId);
        if (merged) await store.write((tx) => splitCustomer(tx, merged.id, 'test', clock().getTime()));
        await recount();
      }
    }
  });
});
