import type { APIEmbed } from 'discord.js';
import type { OnchainStatus, Profile, WalletView } from '../../commands/types.ts';
import { ONCHAIN_TITLE, profileOnchainFields, walletFields } from '../render/onchain.ts';
import { COLOR, embed, LIMITS, type DiscordMessage } from './limits.ts';

/** What the on-chain embed may take of a profile message's 6,000 characters. */
const PROFILE_BUDGET = 1500;
const CARD_FIELD_CHARS = 600;

/** The profile's on-chain embed for `view`, or null when it has nothing on-chain (field values are escaped by `embed`). */
export function onchainEmbed(p: Profile, view: string, status: OnchainStatus | undefined, color: number): APIEmbed | null {
  const fields = profileOnchainFields(p, status, view);
  if (!fields) return null;
  return embed({ title: ONCHAIN_TITLE, fields, color, valueMax: view === 'card' ? CARD_FIELD_CHARS : LIMITS.fieldValue }, PROFILE_BUDGET);
}

/** After the AssetPro embed (or the last), the footer staying on the last embed. */
export function placeOnchain(embeds: APIEmbed[], chain: APIEmbed, sections: readonly string[]): void {
  const after = sections.indexOf('assetpro');
  const at = after >= 0 ? after + 1 : embeds.length;
  if (at >= embeds.length && embeds.length) {
    const last = embeds.at(-1)!;
    if (last.footer) [chain.footer, last.footer] = [last.footer, undefined];
    if (!last.footer) delete last.footer;
  }
  embeds.splice(at, 0, chain);
}

/** `/user360 wallet <address>`: one embed, red when the address is on the screening list. */
export function walletEmbeds(w: WalletView, masked: boolean): DiscordMessage {
  const { title, fields } = walletFields(w);
  const footer = ['Times in GMT+8', 'figures from the store', ...(masked ? ['🔒 personal data masked for your role'] : [])].join(' · ');
  return { embeds: [embed({ title, fields, footer, color: w.screened ? COLOR.red : COLOR.blurple })], components: [] };
}
