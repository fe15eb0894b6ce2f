import * as z from 'zod';
import { writeAudit } from '../src/access/audit.ts';
import { canSeePersonalData, maskQuoted } from '../src/access/mask.ts';
import { EVM_CHAINS, IdentifierError, normalizeWallet } from '../src/identity/normalize.ts';
import { walletFacts, type WalletHolder, type WalletView } from '../src/onchain/wallet-facts.ts';
import { findCustomer } from '../src/profile/find.ts';
import { maskProfile } from '../src/profile/mask-profile.ts';
import { buildProfile } from '../src/profile/profile.ts';
import { USAGE } from './help.ts';
import { onchainStatus } from './onchain-status.ts';
import type { CommandContext, CommandResult } from './types.ts';

export type { WalletView };

const NEED = 'wallet needs one EVM address: wallet 0x… (40 hex digits)';
export const walletArgs = z.array(z.string()).min(1, NEED).max(1, NEED).transform(([a]) => a!);


/** `evm:0x…` and `<evm chain>:0x…` mean the address too; the chain names none of its own (one key, every chain). */
function parseAddress(raw: string): string | null {
  const text = raw.trim();
  const colon = text.indexOf(':');
  const prefix = colon > 0 ? text.slice(0, colon).toLowerCase() : '';
  const bare = prefix === 'evm' || (EVM_CHAINS as readonly string[]).includes(prefix) ? text.slice(colon + 1).trim() : text;
  if (!/^0x[0-9a-f]{40}$/i.test(bare)) return null;
  try {
    return normalizeWallet('ethereum', bare).address;
  } catch (e) {
    if (e instanceof IdentifierError) return null;
    throw e;
  }
}

/**
 * `wallet <address>`: what the store knows of any EVM address (readings per chain, net worth, recent
 * indexed transfers, a screening hit) and the customer holding it. Stale or missing readings are asked
 * for (never read here: the answer comes from the store at once and says how old it is).
 */
export async function wallet(input: { address: string }, ctx: CommandContext): Promise<CommandResult> {
  const address = parseAddress(input.address);
  if (!address) {
    const typed = input.address.length > 60 ? `${input.address.slice(0, 60)}…` : input.address;
    // What was typed may be personal data (an email in the wrong command): a viewer sees it hidden.
    const message = `"${typed}" is not an EVM address (0x and 40 hex digits; mixed case must be its EIP-55 checksum).`;
    return { kind: 'usage_error', message: canSeePersonalData(ctx.caller.role) ? message : maskQuoted(message), usage: USAGE.filter((u) => u.syntax.startsWith('wallet')) };
  }
  const { store, caller } = ctx;
  const now = ctx.clock().getTime();
  const full = canSeePersonalData(caller.role);
  const [facts, { unifiedId }] = await Promise.all([walletFacts(store, address), findCustomer(store, `evm:${address}`, ctx.identity)]);
  await writeAudit(store, { at: now, platform: caller.platform, callerId: caller.userId, channelId: caller.channelId, command: 'wallet', identifierType: 'wallet', identifier: address, unifiedId });
  const chains = ctx.onchain?.chains ?? [];
  const wanted = [...new Set([...chains, ...facts.readings.map((r) => r.chain)])];
  const onchain = await onchainStatus(ctx, wanted.map((chain) => ({ chain, address, read_at: facts.readings.find((r) => r.chain === chain)?.read_at ?? null })));
  let customer: WalletHolder | null = null;
  const found = unifiedId ? await buildProfile(store, unifiedId, now) : null;
  if (found) {
    const p = full ? found : maskProfile(found);
    customer = {
      unified_id: p.unified_id, name: p.basic.name, kyc_status: p.compliance.kyc_status, risk_level: p.compliance.risk_level,
      risk_score: p.compliance.risk_score, net_worth_usdt: p.assetpro.net_worth_usdt, wallets: p.wallets.length,
    };
  }
  return { kind: 'wallet', wallet: { ...facts, onchain, customer }, masked: !full };
}
