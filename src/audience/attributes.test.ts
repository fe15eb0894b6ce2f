import { describe, expect, it } from 'vitest';
import { find, type FindResult } from '../../commands/find.ts';
import { lookup } from '../../commands/lookup.ts';
import { body, createTestApp } from '../../test/support/app.ts';
import { uniq } from '../../test/support/factories.ts';

const t = await createTestApp();
const ctx = { ...t.deps, caller: { platform: 'cli' as const, userId: 'op', role: 'admin' as const } };
const identify = (ext: string, traits: Record<string, unknown>, timestamp = '2026-11-20T10:00:00+08:00') => ({ type: 'identify', id: uniq(), timestamp, identifiers: { external_id: ext }, traits });

describe('custom attributes', () => {
  it('keeps extra traits, newest value per key, shows them on the profile and filters on them case-insensitively', async () => {
    const ext = uniq('attr-');
    const res = await t.post('/v1/batch', [
      identify(ext, { name: 'Ada', company: 'Acme Corp', seats: 12, beta: true }),
      identify(ext, { company: 'Globex' }, '2026-11-21T10:00:00+08:00'),
      identify(ext, { company: 'Initech' }, '2026-11-19T10:00:00+08:00'),
    ]);
    expect(res.status, JSON.stringify(await body(res))).toBe(200);
    const p = await lookup({ identifier: `ext:${ext}` }, ctx);
    expect(p.kind === 'profile' && p.profile.attributes).toEqual({ beta: true, company: 'Globex', seats: 12 });
    const hit = (await find({ query: `attr.company:globex attr.seats:12 attr.beta:true` }, ctx)) as FindResult;
    expect(hit.rows.map((r) => r.external_id)).toEqual([ext]);
    expect(((await find({ query: 'attr.company:Acme' }, ctx)) as FindResult).rows.map((r) => r.external_id)).not.toContain(ext);
  });

  it('makes a record with a bad attribute bad, naming the path, and stores nothing of the batch', async () => {
    const ext = uniq('attr-bad-');
    const cases: [Record<string, unknown>, string][] = [
      [{ 'Bad-Name': 1 }, 'traits.Bad-Name'],
      [{ constructor: 'x' }, 'traits.constructor'],
      [{ nested: { a: 1 } }, 'traits.nested'],
      [{ list: [1, 2] }, 'traits.list'],
      [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), 'traits'],
      [{ [`k${'x'.repeat(40)}`]: 1 }, `traits.k${'x'.repeat(40)}`],
    ];
    for (const [traits, path] of cases) {
      const res = await t.post('/v1/batch', [identify(ext, { name: 'ok' }), identify(ext, traits)]);
      const json = await body(res);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(json.errors[0], JSON.stringify(json)).toMatchObject({ index: 1, path });
    }
    expect((await lookup({ identifier: `ext:${ext}` }, ctx)).kind).toBe('not_found');
  });
});
