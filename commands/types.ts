import type { Store } from '../db/client.ts';
import type { ChatPlatform, Role } from '../db/schema/constants.ts';
import type { IdentityConfig } from '../src/config.ts';
import type { AlertView } from '../src/compliance/alert-view.ts';
import type { Digest } from '../src/digest/model.ts';
import type { Metrics } from '../src/metrics/query.ts';
import type { Profile } from '../src/profile/profile.ts';
import type { Clock } from '../src/time.ts';
import type { FindResult } from './find.ts';
import type { OnchainAccess } from '../src/onchain/requests.ts';
import type { OnchainStatus } from './onchain-status.ts';
import type { WalletView } from './wallet.ts';
import type { ConflictsResult } from './conflicts.ts';
import type { ProfileListResult } from './profile-list.ts';

/** The models inside results, for renderers (adapters take them from here, not from the rules). */
export type { AlertView, Digest, Metrics, OnchainAccess, OnchainStatus, Profile, WalletView };

export interface Caller {
  /** `api`: an integration reading through the HTTP read API with its key (see apiContext) */
  platform: ChatPlatform | 'api';
  userId: string;
  channelId?: string;
  role: Role;
  /** the caller's own DM with the bot (see commands/context.ts); unset means no */
  direct?: boolean;
}

export interface CommandContext {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
  caller: Caller;
  /** The on-chain part, when chains are configured: lookups ask it for fresh readings (never a node call). */
  onchain?: OnchainAccess;
}

export const PROFILE_SECTIONS = ['general', 'compliance', 'wallets', 'assetpro', 'transactions', 'purchases', 'device'] as const;
export type ProfileSection = (typeof PROFILE_SECTIONS)[number];
export { LIST_VIEWS, type ListView, type ProfileListResult } from './profile-list.ts';

/**
 * One result model per outcome; Slack, Discord and the terminal each render these and nothing else.
 * Text in them is plain: each renderer escapes it for its platform. A notice is the command's own
 * words (its mentions stay mentions); text from outside goes in the other kinds.
 */
export type CommandResult =
  | { kind: 'profile'; profile: Profile; section: ProfileSection | 'card'; masked: boolean; onchain?: OnchainStatus }
  | { kind: 'wallet'; wallet: WalletView; masked: boolean }
  | { kind: 'not_found'; query: string; message: string }
  | { kind: 'metrics'; metrics: Metrics }
  | { kind: 'top'; range: Metrics['range']; customers: Metrics['assetpro']['top_customers'] }
  | { kind: 'help'; usage: readonly UsageLine[] }
  | { kind: 'usage_error'; message: string; usage: readonly UsageLine[] }
  | { kind: 'digest'; digest: Digest }
  /** `refused`: someone got there first; the alert as it now stands, and why nothing changed */
  | { kind: 'alert'; alert: AlertView; refused?: string }
  | ConflictsResult
  | { kind: 'notice'; title: string; lines: string[]; ok: boolean }
  | ProfileListResult
  | FindResult;

export interface UsageLine {
  syntax: string;
  summary: string;
}

export const notice = (ok: boolean, title: string, ...lines: string[]): CommandResult => ({ kind: 'notice', ok, title, lines });

/** Compliance tools (alerts, the digest) are for these roles only. */
export const mayRunCompliance = (c: Caller) => c.role === 'compliance' || c.role === 'admin';
