import * as z from 'zod';
import { grantRole, isRole, listRoleGrants, revokeRole } from '../src/access/roles.ts';
import type { Tx } from '../db/client.ts';
import { ROLES, type ChatPlatform, type Role } from '../db/schema/index.ts';
import { writeAuditIn } from '../src/access/audit.ts';
import { notice, type CommandContext, type CommandResult } from './types.ts';

/**
 * Roles are per chat platform, so the command needs to know who the configured admins are to explain
 * why one of them can't be revoked. Adapters pass them; the terminal and tests may leave them out.
 */
export interface RolesContext extends CommandContext {
  admins?: readonly string[];
}

export type RolesInput =
  | { action: 'list' }
  | { action: 'grant'; target: string; role: Role }
  | { action: 'revoke'; target: string };

const ROLE_LIST = ROLES.join(', ');
const WHO = 'mention the person, like @alice (on Discord a role mention like @Compliance works too)';

export const rolesArgs = z.array(z.string()).transform((words, ctx): RolesInput => {
  const [action = 'list', target, role, ...extra] = words;
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  switch (action.toLowerCase()) {
    case 'list':
      return target === undefined ? { action: 'list' } : fail('roles list takes no arguments');
    case 'grant':
      if (!target || !role || extra.length) return fail(`roles grant takes a person and a role: roles grant @alice compliance (roles: ${ROLE_LIST})`);
      return isRole(role.toLowerCase()) ? { action: 'grant', target, role: role.toLowerCase() as Role } : fail(`"${role}" is not a role; roles are ${ROLE_LIST}`);
    case 'revoke':
      return target && role === undefined ? { action: 'revoke', target } : fail(`roles revoke takes one person: roles revoke @alice`);
    default:
      return fail(`roles has list, grant and revoke, not "${action}"`);
  }
});

/**
 * A mention as each platform sends it: Slack `<@U123>` / `<@U123|name>`, Discord `<@123>`, `<@!123>`,
 * and `<@&123>` for a Discord role (stored as `role:123`). Bare ids are accepted for people who paste them.
 */
export function parseSubject(platform: ChatPlatform, word: string): string | undefined {
  const m = /^<@([!&]?)([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(word.trim()) ?? /^()([A-Za-z0-9]+)$/.exec(word.trim());
  if (!m) return undefined;
  const [, sigil, id = ''] = m;
  if (platform === 'slack') return sigil === '' && /^[UW][A-Z0-9]{2,}$/.test(id) ? id : undefined;
  if (platform === 'discord') {
    if (!/^\d{5,25}$/.test(id)) return undefined;
    return sigil === '&' ? `role:${id}` : id;
  }
  return undefined;
}

/** How the platform writes a mention of the subject, so the reply names the person the way chat shows them. */
export function mentionOf(platform: ChatPlatform, subject: string): string {
  if (subject.startsWith('role:')) return `<@&${subject.slice(5)}>`;
  return platform === 'slack' || platform === 'discord' ? `<@${subject}>` : subject;
}


/** `roles [list]`, `roles grant <@user> <role>`, `roles revoke <@user>`: who may see personal data. */
export async function roles(input: RolesInput, ctx: RolesContext): Promise<CommandResult> {
  const { caller, store } = ctx;
  const platform = caller.platform;
  if (platform !== 'slack' && platform !== 'discord') {
    return notice(false, 'Roles are granted in Slack or Discord', 'Configured admins (SLACK_ADMINS, DISCORD_ADMINS) can run /user360 roles grant there.');
  }
  const settingName = `${platform.toUpperCase()}_ADMINS`;
  const admins = ctx.admins ?? [];

  if (input.action === 'list') {
    const grants = await listRoleGrants(store.db, platform);
    return notice(
      true,
      'Roles',
      `Your role: ${caller.role}`,
      ...admins.map((a) => `${mentionOf(platform, a)}: admin (from ${settingName})`),
      ...grants.filter((g) => !admins.includes(g.subject)).map((g) => `${mentionOf(platform, g.subject)}: ${g.role} (granted by ${mentionOf(platform, g.grantedBy)})`),
      ...(grants.length === 0 ? ['No roles granted yet; everyone else is a viewer (personal data masked).'] : []),
    );
  }

  if (caller.role !== 'admin') {
    return notice(false, 'Only admins can grant or revoke roles', `Your role is ${caller.role}. Ask an admin to run this for you.`);
  }
  const subject = parseSubject(platform, input.target);
  if (!subject) return { kind: 'usage_error', message: `"${input.target}" is not someone I can grant a role to; ${WHO}.`, usage: [] };
  const who = mentionOf(platform, subject);
  const now = ctx.clock().getTime();
  // The change and its audit row commit together: a role never changes without a trace.
  const audited = (command: string, tx: Tx) =>
    writeAuditIn(tx, { at: now, platform, callerId: caller.userId, channelId: caller.channelId, command, identifierType: 'role_subject', identifier: subject, unifiedId: null });

  if (input.action === 'grant') {
    await store.write(async (tx) => {
      await grantRole(tx, { platform, subject, role: input.role, grantedBy: caller.userId, now });
      await audited(`roles grant ${input.role}`, tx);
    });
    const effect = input.role === 'viewer' ? 'Personal data is masked for them from their next command.' : 'They see personal data unmasked from their next command.';
    const extra = admins.includes(subject) ? [`They stay admin while listed in ${settingName}.`] : [];
    return notice(true, `${who} is now ${input.role}`, effect, ...extra);
  }

  if (admins.includes(subject)) {
    return notice(false, `${who} is an admin by configuration`, `Remove them from ${settingName} to take the role away.`);
  }
  const removed = await store.write(async (tx) => {
    const gone = await revokeRole(tx, { platform, subject });
    if (gone) await audited('roles revoke', tx);
    return gone;
  });
  if (!removed) return notice(false, `${who} has no granted role`, 'They are already a viewer.');
  return notice(true, `${who} is now a viewer`, 'Personal data is masked for them from their next command.');
}
