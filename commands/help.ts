import type { CommandResult, UsageLine } from './types.ts';

export const USAGE: readonly UsageLine[] = [
  { syntax: 'lookup <identifier>', summary: 'profile of a customer: email, phone, wallet, unified id, ext:<id>, kakao:<id>, line:<id>' },
  { syntax: 'wallet <address>', summary: 'on-chain facts of any EVM address (holdings, net worth, recent transfers, screening) and the customer holding it' },
  { syntax: 'metrics [all|1d|7d|30d|YYYY-MM-DD..YYYY-MM-DD]', summary: 'compliance and AssetPro figures (default 7d)' },
  { syntax: 'top [range] [n]', summary: 'top customers by transaction volume (default 30d, 10)' },
  { syntax: 'roles [list|grant <@user> <viewer|compliance|admin>|revoke <@user>]', summary: 'who may see personal data; granting and revoking is for admins' },
  { syntax: 'alerts subscribe [kyc|risk|exposure|all] [min-level] [#channel]', summary: 'KYC, risk-level and exposure (screened address) alerts by DM or in a channel (compliance, admin)' },
  { syntax: 'alerts unsubscribe [kyc|risk|exposure|all] [#channel] · alerts list', summary: 'stop or list alert subscriptions' },
  { syntax: 'digest subscribe|unsubscribe|preview [YYYY-MM-DD]', summary: 'the 23:59 GMT+8 daily digest in this channel' },
  { syntax: 'find [words] [filters]', summary: 'customers by name/identifier prefix and filters: kyc:, risk:>=, tag:, segment:, chain:, volume:>N, txns:0, seen:<7d, country:, stage:, campaign:, attr.<key>:' },
  { syntax: 'segment create|list|show|delete|subscribe|unsubscribe …', summary: 'saved find queries; subscribers hear when customers enter or leave (create, delete, channel: compliance, admin)' },
  { syntax: 'tag <identifier> +tag -tag', summary: 'add and remove a customer\'s tags (compliance, admin; audited)' },
  { syntax: 'conflicts [all] · conflicts approve <id> · conflicts dismiss <id> [reason]', summary: 'merges and links the identity guards refused, with Approve/Dismiss (admins)' },
  { syntax: 'help', summary: 'this list' },
];

export function help(): CommandResult {
  return { kind: 'help', usage: USAGE };
}
