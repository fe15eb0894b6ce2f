// `/user360 roles …` from Slack: only admins grant, and a grant changes what the grantee sees at once.
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.ts';
import { body } from '../../test/support/app.ts';
import { ingest } from '../../test/support/factories.ts';
import { checkSlackLimits } from './blocks.ts';
import { ADMIN, slackHarness, visible } from './slack.test-kit.ts';

let h: Awaited<ReturnType<typeof slackHarness>>;

beforeAll(async () => {
  h = await slackHarness();
  await ingest(h.deps, [{ type: 'identify', id: 'r-1', timestamp: new Date().toISOString(), identifiers: { email: 'rita@example.com' }, traits: { name: 'Rita Roles' } }]);
});
afterEach(() => h.api.reset());

async function say(text: string, user: string) {
  const r = await h.command(text, user).res;
  const json = await body(r);
  expect(r.status, JSON.stringify(json)).toBe(200);
  expect(checkSlackLimits(json)).toEqual([]);
  expect(json.response_type).toBe('ephemeral');
  return visible(json);
}
const seesWhole = async (user: string) => (await say('lookup rita@example.com', user)).includes('rita@example.com');

describe('roles grant', () => {
  it('by a configured admin makes the grantee see personal data, and is audited', async () => {
    expect(await seesWhole('UGRANT1')).toBe(false);
    const reply = await say('roles grant <@UGRANT1|gina> compliance', ADMIN);
    expect(reply).toContain('✅');
    expect(reply).toContain('<@UGRANT1> is now compliance');
    expect(await seesWhole('UGRANT1')).toBe(true);
    const rows = await h.store.db.select().from(auditLog).where(eq(auditLog.command, 'roles grant compliance'));
    expect(rows).toMatchObject([{ platform: 'slack', callerId: ADMIN, identifier: 'UGRANT1' }]);
  });

  it('by a viewer is refused and changes nothing', async () => {
    const reply = await say('roles grant <@UVIEW2> admin', 'UVIEW1');
    expect(reply).toContain('⛔');
    expect(reply).toContain('Only admins can grant or revoke roles');
    expect(await seesWhole('UVIEW2')).toBe(false);
    expect(await say('roles grant <@UVIEW2> compliance', 'UVIEW2')).toContain('Only admins');
  });

  it('by a compliance user is refused too', async () => {
    await say('roles grant <@UCOMP9> compliance', ADMIN);
    expect(await say('roles grant <@UOTHER9> compliance', 'UCOMP9')).toContain('Only admins');
    expect(await seesWhole('UOTHER9')).toBe(false);
  });

  it('of admin lets the grantee grant in turn', async () => {
    await say('roles grant <@UADMIN2> admin', ADMIN);
    expect(await say('roles grant <@UNEW3> compliance', 'UADMIN2')).toContain('is now compliance');
    expect(await seesWhole('UNEW3')).toBe(true);
  });

  it('explains bad input instead of granting', async () => {
    expect(await say('roles grant <@UX1> superuser', ADMIN)).toContain('is not a role');
    expect(await say('roles grant bob compliance', ADMIN)).toContain('mention the person');
    expect(await say('roles grant <@UX1>', ADMIN)).toContain('roles grant takes a person and a role');
    expect(await say('roles promote <@UX1>', ADMIN)).toContain('roles has list, grant and revoke');
  });
});

describe('roles revoke and list', () => {
  it('revoke puts the person back to masked data', async () => {
    await say('roles grant <@UREV1> compliance', ADMIN);
    expect(await seesWhole('UREV1')).toBe(true);
    expect(await say('roles revoke <@UREV1>', ADMIN)).toContain('<@UREV1> is now a viewer');
    expect(await seesWhole('UREV1')).toBe(false);
    expect(await say('roles revoke <@UREV1>', ADMIN)).toContain('has no granted role');
  });

  it('cannot take away a configured admin', async () => {
    expect(await say(`roles revoke <@${ADMIN}>`, 'UADMIN2')).toContain('admin by configuration');
  });

  it('list shows the caller their role and who holds which', async () => {
    const shown = await say('roles list', 'UVIEW1');
    expect(shown).toContain('Your role: viewer');
    expect(shown).toContain(`<@${ADMIN}>: admin (from SLACK_ADMINS)`);
    expect(shown).toContain('<@UGRANT1>: compliance');
  });
});
