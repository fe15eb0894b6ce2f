import { describe, expect, it } from 'vitest';
import { grantRole, resolveRole, revokeRole } from '../src/access/roles.ts';
import { createTestStore, settableClock, testConfig } from '../test/support/db.ts';
import { runCommandText } from './index.ts';
import { mentionOf, parseSubject, type RolesContext } from './roles.ts';

const store = await createTestStore();
const now = Date.parse('2026-11-25T12:00:00+08:00');

// Chat requests resolve roles through the store's prepared read; jobs inside a transaction through drizzle.
describe.each([
  ['the store', () => store],
  ['drizzle', () => store.db],
] as const)('resolveRole through %s', (_, reader) => {
  it('makes configured admins admin whatever the database says', async () => {
    await grantRole(store.db, { platform: 'slack', subject: 'UCONF', role: 'viewer', grantedBy: 'x', now });
    expect(await resolveRole(reader(), { platform: 'slack', userId: 'UCONF' }, ['UCONF'])).toBe('admin');
  });

  it('defaults to viewer and keeps platforms apart', async () => {
    await grantRole(store.db, { platform: 'discord', subject: '111111', role: 'compliance', grantedBy: 'x', now });
    expect(await resolveRole(reader(), { platform: 'slack', userId: '111111' }, [])).toBe('viewer');
    expect(await resolveRole(reader(), { platform: 'discord', userId: '111111' }, [])).toBe('compliance');
  });

  it('takes the highest of a Discord member’s own grant and their guild roles', async () => {
    await grantRole(store.db, { platform: 'discord', subject: 'role:900001', role: 'admin', grantedBy: 'x', now });
    await grantRole(store.db, { platform: 'discord', subject: 'role:900002', role: 'compliance', grantedBy: 'x', now });
    expect(await resolveRole(reader(), { platform: 'discord', userId: '222222', roleIds: ['900002'] }, [])).toBe('compliance');
    expect(await resolveRole(reader(), { platform: 'discord', userId: '111111', roleIds: ['900002', '900001'] }, [])).toBe('admin');
    expect(await resolveRole(reader(), { platform: 'discord', userId: '333333', roleIds: ['999999'] }, [])).toBe('viewer');
  });

  it('replaces a grant and forgets a revoked one', async () => {
    await grantRole(store.db, { platform: 'slack', subject: 'UREPL', role: 'admin', grantedBy: 'x', now });
    await grantRole(store.db, { platform: 'slack', subject: 'UREPL', role: 'compliance', grantedBy: 'y', now });
    expect(await resolveRole(reader(), { platform: 'slack', userId: 'UREPL' }, [])).toBe('compliance');
    expect(await revokeRole(store.db, { platform: 'slack', subject: 'UREPL' })).toBe(true);
    expect(await revokeRole(store.db, { platform: 'slack', subject: 'UREPL' })).toBe(false);
    expect(await resolveRole(reader(), { platform: 'slack', userId: 'UREPL' }, [])).toBe('viewer');
  });
});

describe('mentions', () => {
  it.each([
    ['slack', '<@U123ABC>', 'U123ABC'],
    ['slack', '<@U123ABC|alice>', 'U123ABC'],
    ['slack', 'W0123ABC', 'W0123ABC'],
    ['slack', '<@&123456>', undefined],
    ['slack', '@alice', undefined],
    ['discord', '<@123456789012345678>', '123456789012345678'],
    ['discord', '<@!123456789012345678>', '123456789012345678'],
    ['discord', '<@&987654321098765432>', 'role:987654321098765432'],
    ['discord', '<@U123ABC>', undefined],
    ['cli', '<@U123ABC>', undefined],
  ] as const)('%s %s → %s', (platform, word, subject) => {
    expect(parseSubject(platform, word)).toBe(subject);
  });

  it('writes subjects back the way each platform mentions them', () => {
    expect(mentionOf('slack', 'U1')).toBe('<@U1>');
    expect(mentionOf('discord', 'role:42')).toBe('<@&42>');
  });
});

describe('the roles command', () => {
  const ctx = (userId: string, role: 'viewer' | 'admin', platform: 'discord' | 'cli' = 'discord'): RolesContext => ({
    store, identity: testConfig().identity, clock: settableClock(now), caller: { platform, userId, channelId: 'c', role }, admins: ['100000'],
  });

  it('grants a Discord guild role from a role mention', async () => {
    const r = await runCommandText('roles grant <@&555555> compliance', ctx('100000', 'admin'));
    expect(r).toMatchObject({ kind: 'notice', ok: true, title: '<@&555555> is now compliance' });
    expect(await resolveRole(store.db, { platform: 'discord', userId: '777777', roleIds: ['555555'] }, [])).toBe('compliance');
  });

  it('refuses non-admins with a notice, and the terminal with a pointer to chat', async () => {
    expect(await runCommandText('roles revoke <@&555555>', ctx('777777', 'viewer'))).toMatchObject({ kind: 'notice', ok: false, title: 'Only admins can grant or revoke roles' });
    expect(await runCommandText('roles list', ctx('op', 'admin', 'cli'))).toMatchObject({ kind: 'notice', ok: false });
  });
});
