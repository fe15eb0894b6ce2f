import { describe, expect, it } from 'vitest';
import { runCommandText } from '../commands/index.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const store = await createTestStore();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: testConfig().identity, clock };

describe('KYC tasks on a profile', () => {
  it('come still-to-do first, each group in natural id order (T-2 before T-10)', async () => {
    const ext = uniq('k-');
    const tasks = [1, 2, 10, 11, 3, 20].map((n) => ({ id: `T-${n}`, name: `Task ${n}`, status: n % 2 ? 'done' : 'pending' }));
    await ingest(deps, [{ type: 'kyc', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: ext }, status: 'pending', tasks: [...tasks, { id: 'T-9', name: 'Review', status: 'Open' }] }]);
    const r = await runCommandText(`lookup ext:${ext}`, { ...deps, caller: { platform: 'cli', userId: 'op', role: 'admin' } });
    expect(r.kind).toBe('profile');
    if (r.kind !== 'profile') return;
    expect(r.profile.compliance.tasks.map((t) => `${t.id} ${t.status}`)).toEqual(['T-2 pending', 'T-9 Open', 'T-10 pending', 'T-20 pending', 'T-1 done', 'T-3 done', 'T-11 done']);
  });
});
