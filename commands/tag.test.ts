import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestStore, settableClock, testConfig } from '../test/support/db.ts';
import { ingest, uniq } from '../test/support/factories.ts';
import { auditLog, labels } from '../db/schema/index.ts';
import { buildProfile } from '../src/profile/profile.ts';
import { runCommandText } from './index.ts';
import type { FindResult } from './find.ts';
import type { CommandContext, CommandResult } from './types.ts';

const store = await createTestStore();
const config = testConfig();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: config.identity, clock };
const ctx = (role: CommandContext['caller']['role'] = 'compliance'): CommandContext => ({ ...deps, caller: { platform: 'discord', userId: 'D7', channelId: 'CH1', role } });
const say = (text: string, role?: CommandContext['caller']['role']) => runCommandText(text, ctx(role));
const text = (r: CommandResult) => (r.kind === 'notice' ? [r.title, ...r.lines].join('\n') : r.kind === 'usage_error' || r.kind === 'not_found' ? r.message : JSON.stringify(r));
const T = uniq('tg').toLowerCase();
const [A, B] = [`a.${T}@example.com`, `b.${T}@example.com`];

await ingest(deps, [
  { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: A, external_id: `${T}-a` }, traits: { name: 'Tag A', tags: ['Churn', T] } },
  { type: 'identify', id: uniq(), timestamp: '2026-11-21T10:00:00+08:00', identifiers: { email: B }, traits: { tags: ['churn'] } },
  // B is merged into A (A is older): the merged customer shows both nodes' tags.
  { type: 'identify', id: uniq(), timestamp: '2026-11-22T10:00:00+08:00', identifiers: { email: [A, B] } },
]);
const rootOf = async () => ((await runCommandText(`find ${T}-a`, ctx('admin'))) as FindResult).rows[0]!.unified_id;

describe('tag from chat', () => {
  it('adds and removes tags across the merge group, shows them on the profile and in find, and audits the change', async () => {
    const root = await rootOf();
    expect((await buildProfile(store, root, clock().getTime()))!.basic.tags.sort()).toEqual(['Churn', 'churn', T].sort());
    const r = await say(`tag ${A} +vip +gold.2026 -churn`);
    expect(r).toMatchObject({ kind: 'notice', ok: true, title: `Tags of ${root}` });
    expect(text(r)).toContain(['gold.2026', T, 'vip'].sort().join(', '));
    expect((await buildProfile(store, root, clock().getTime()))!.basic.tags.sort()).toEqual(['gold.2026', T, 'vip'].sort());
    expect(await store.db.select().from(labels).where(and(eq(labels.kind, 'tag'), eq(labels.value, 'churn')))).toHaveLength(0);
    expect(((await say(`find tag:vip ${T}-a`)) as FindResult).total).toBe(1);
    const [audit] = await store.db.select().from(auditLog).where(and(eq(auditLog.callerId, 'D7'), eq(auditLog.unifiedId, root)));
    expect(audit).toMatchObject({ platform: 'discord', channelId: 'CH1', command: 'tag +vip +gold.2026 -churn', identifierType: 'email', identifier: A });
  });

  it('is for compliance and admin only, and refuses malformed changes with one line and changes nothing', async () => {
    const before = (await buildProfile(store, await rootOf(), clock().getTime()))!.basic.tags;
    expect(text(await say(`tag ${A} +x`, 'viewer'))).toContain('Only compliance and admin roles can change tags');
    for (const [cmd, msg] of [
      [`tag ${A}`, 'tag takes an identifier and then +tag or -tag'],
      [`tag ${A} vip`, '"vip" is not a tag change'],
      [`tag ${A} +<!here>`, '"+<!here>" is not a tag change'],
      [`tag ${A} +${'x'.repeat(81)}`, 'is not a tag change'],
      [`tag ${A} +a -A`, '"a" is both added and removed'],
      [`tag not-an-email@ +vip`, 'email'],
    ] as const) {
      const r = await say(cmd);
      expect(r.kind, cmd).toBe('usage_error');
      expect(text(r), cmd).toContain(msg);
    }
    expect(text(await say(`tag nobody.${T}@example.com +vip`))).toContain('No customer found');
    expect((await buildProfile(store, await rootOf(), clock().getTime()))!.basic.tags).toEqual(before);
  });
});
