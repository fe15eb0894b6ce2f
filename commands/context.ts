import type { Store } from '../db/client.ts';
import { resolveRole } from '../src/access/roles.ts';
import type { IdentityConfig } from '../src/config.ts';
import type { Clock } from '../src/time.ts';
import type { RolesContext } from './roles.ts';
import type { CommandContext } from './types.ts';
import { onchainAccess as access, type OnchainAccess } from '../src/onchain/requests.ts';
import type { EvmConfig } from '../src/config.ts';

/**
 * What lookups may ask of the on-chain part (see OnchainAccess); undefined when no chain is configured.
 * `wake` runs this process's chain loops at once; without them (the terminal) the request row waits for
 * the next round of a running service.
 */
export function onchainAccess(deps: { store: Store; clock: Clock }, evm: EvmConfig | undefined, wake: () => void = () => {}, warn: (m: string) => void = () => {}): OnchainAccess | undefined {
  if (!evm) return undefined;
  return access(deps.store, { chains: evm.chains.map((c) => c.chain), staleAfterMs: evm.staleMs }, () => deps.clock().getTime(), wake, warn);
}

export interface ChatCallerInput {
  platform: 'slack' | 'discord';
  userId: string;
  channelId?: string;
  /** Discord guild roles of the member, which may carry a User 360 role */
  roleIds?: readonly string[];
  /**
   * The conversation is the caller's own DM with the bot: the one place where a message may carry
   * personal data that does not answer a lookup (an alert's customer name). Each adapter knows it
   * its own way (a Slack channel id starting with D, a Discord interaction outside a guild).
   */
  direct: boolean;
}

/** The context a chat command runs in: who calls, with the role the database (or the config) gives them. */
export async function chatContext(
  deps: { store: Store; identity: IdentityConfig; clock: Clock; onchain?: OnchainAccess },
  who: ChatCallerInput,
  admins: readonly string[],
): Promise<RolesContext> {
  const role = await resolveRole(deps.store, { platform: who.platform, userId: who.userId, roleIds: who.roleIds }, admins);
  return { ...deps, caller: { platform: who.platform, userId: who.userId, channelId: who.channelId, role, direct: who.direct }, admins };
}

/**
 * The read API's caller: an API key is a trusted integration, so it sees whole profiles (the compliance
 * role), and its reads are audited under the key's name like a chat lookup.
 */
export function apiContext(deps: { store: Store; identity: IdentityConfig; clock: Clock; onchain?: OnchainAccess }, keyName: string): CommandContext {
  return { ...deps, caller: { platform: 'api', userId: keyName, role: 'compliance', direct: false } };
}
