import type { Digest } from '../../commands/types.ts';
import { digestLines } from '../render/digest.ts';
import { COLOR, embed, type DiscordMessage } from './limits.ts';

/**
 * The digest as one embed, for the daily post and for `digest preview` alike; `footer` says where the
 * chart is. Field values are escaped once, by `embed()` (escaping here too showed `u\_01M8…`).
 */
export function digestMessage(d: Digest, footer: string): DiscordMessage {
  const { title, sections } = digestLines(d);
  return { embeds: [embed({ title, fields: sections.map((s) => ({ name: s.name, value: s.lines.join('\n') })), footer, color: COLOR.green })], components: [] };
}
