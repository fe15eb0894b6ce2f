import type { KycStatus, LifecycleStage } from '../../db/schema/constants.ts';
import type { WalletChain } from '../identity/normalize.ts';

/** A parsed `find` query (the grammar itself is commands/find-query.ts): what the search runs. */
export type VolumeWindow = '30d' | '7d' | 'all';
export type Comparison = '>' | '>=' | '<' | '<=';
export type Filter =
  | { kind: 'kyc'; status: KycStatus }
  | { kind: 'risk'; min: number; max: number }
  | { kind: 'tag'; tag: string }
  | { kind: 'segment'; name: string }
  | { kind: 'chain'; chain: WalletChain }
  | { kind: 'volume'; window: VolumeWindow; op: Comparison; micros: number }
  /** On-chain net worth against N micro-USDT; a customer without a priced reading matches none. */
  | { kind: 'networth'; op: Comparison; micros: number }
  | { kind: 'seen'; op: '<' | '>'; ms: number }
  | { kind: 'country'; country: string }
  | { kind: 'stage'; stage: LifecycleStage }
  | { kind: 'attr'; key: string; value: string }
  /** A campaign touch: any (`campaign:any`), or one from this source. */
  | { kind: 'campaign'; source: string | null }
  /** The 30-day transaction count against N (`txns:0`: no transactions in 30 days). */
  | { kind: 'txns'; op: Comparison | '='; count: number };

export interface AudienceQuery {
  words: string[];
  filters: Filter[];
  /** The query written back in one canonical spelling: what a cursor is bound to and replies echo. */
  text: string;
}

