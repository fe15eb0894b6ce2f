import * as z from 'zod';
import { writeAudit } from '../src/access/audit.ts';
import { canSeePersonalData, maskIdentifier, maskQuoted, PERSONAL_IDENTIFIER_TYPES } from '../src/access/mask.ts';
import { IdentifierError } from '../src/identity/normalize.ts';
import { findCustomer } from '../src/profile/find.ts';
import { maskProfile } from '../src/profile/mask-profile.ts';
import { buildProfile } from '../src/profile/profile.ts';
import { onchainStatus } from './onchain-status.ts';
import { identifierText } from './parse.ts';
import { isListView, LIST_VIEWS, profileList, type ListView } from './profile-list.ts';
import { PROFILE_SECTIONS, type CommandContext, type CommandResult, type ProfileSection } from './types.ts';

export const lookupArgs = z
  .array(z.string())
  .min(1, 'lookup needs an identifier: an email, phone, wallet, unified id, ext:<id>, kakao:<id> or line:<id>')
  .transform((w) => w.join(' '));

export interface LookupInput {
  identifier: string;
  /** a section in full, the card, or one of the lists the card pages through (`wallets` is both) */
  section?: ProfileSection | 'card' | ListView;
  /** the page of a list, from 1 */
  page?: number;
}

export const sectionSchema = z.enum([...new Set([...PROFILE_SECTIONS, 'card', ...LIST_VIEWS] as const)]);

/** `lookup <identifier>`: the profile card, masked to the caller's role, and one audit row. */
export async function lookup(input: LookupInput, ctx: CommandContext): Promise<CommandResult> {
  const { store, caller } = ctx;
  const full = canSeePersonalData(caller.role);
  let found;
  try {
    // Every caller's text arrives here (slash command, button, terminal, API), so Slack's links come off here.
    found = await findCustomer(store, identifierText(input.identifier), ctx.identity);
  } catch (e) {
    // The message quotes what was typed, which may be personal data even when it is malformed.
    if (e instanceof IdentifierError) return { kind: 'usage_error', message: full ? e.message : maskQuoted(e.message), usage: [] };
    throw e;
  }
  const { detected, unifiedId } = found;
  const personal = PERSONAL_IDENTIFIER_TYPES.has(detected.type);
  await writeAudit(store, {
    at: ctx.clock().getTime(),
    platform: caller.platform,
    callerId: caller.userId,
    channelId: caller.channelId,
    command: caller.platform === 'api' ? 'profile' : input.section && input.section !== 'card' ? `lookup:${input.section}${(input.page ?? 1) > 1 ? `:p${input.page}` : ''}` : 'lookup',
    identifierType: detected.type,
    identifier: personal && !full ? null : detected.value,
    unifiedId,
  });
  const shown = full ? detected.value : maskIdentifier(detected.type, detected.value);
  if (!unifiedId) return { kind: 'not_found', query: shown, message: `No customer found for ${detected.type.replace('_', ' ')} ${shown}.` };
  const built = (await buildProfile(store, unifiedId, ctx.clock().getTime()))!;
  const profile = full ? built : maskProfile(built);
  const section = input.section ?? 'card';
  // Answered from the store; stale or missing readings are asked for, to be shown by a later lookup.
  const onchain = await onchainStatus(ctx, built.wallets.map((w) => ({ chain: w.chain, address: w.address, read_at: w.onchain?.read_at ?? null })));
  if (isListView(section)) return profileList(store, profile, section, input.page ?? 1, !full);
  return { kind: 'profile', profile, section, masked: !full, ...(onchain.configured || onchain.read_at ? { onchain } : {}) };
}
