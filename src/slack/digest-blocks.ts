import type { Digest } from '../../commands/types.ts';
import { digestLines } from '../render/digest.ts';
import { clip, escape, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';

/**
 * The digest as Block Kit, for the daily post and for `digest preview` alike; `note` says where the
 * chart is. Lines carry token names from source systems, so they are escaped.
 */
export function digestMessage(d: Digest, note: string): SlackMessage {
  const { title, sections } = digestLines(d);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.headerText), emoji: true } },
    ...sections.map((s): Block => ({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${escape(s.name)}*\n${s.lines.map(escape).join('\n')}`, LIMITS.sectionText) } })),
    { type: 'context', elements: [{ type: 'mrkdwn', text: note }] },
  ];
  return { text: escape(title), blocks: fitMessage(blocks) };
}
