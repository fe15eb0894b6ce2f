import type { OnchainStatus, Profile, WalletView } from '../../commands/types.ts';
import { ONCHAIN_TITLE, profileOnchainFields, walletFields } from '../render/onchain.ts';
import { fieldLines } from './render.ts';

/**
 * The profile's on-chain part for the terminal: it has room and no buttons, so the card shows every
 * reading and every exposure. Empty when there is nothing on-chain.
 */
export function onchainText(p: Profile, status: OnchainStatus | undefined, section: string, width: number): string[] {
  const fields = section === 'card'
    ? [...(profileOnchainFields(p, status, 'wallets') ?? []), ...(profileOnchainFields(p, status, 'compliance') ?? [])]
    : profileOnchainFields(p, status, section) ?? [];
  return fields.length ? [ONCHAIN_TITLE, ...fieldLines(fields, width)] : [];
}

export function walletText(w: WalletView, masked: boolean, width: number): string {
  const { title, fields } = walletFields(w);
  return [`${title}${masked ? '  (personal data masked)' : ''}`, ...fieldLines(fields, width)].join('\n');
}
