import type { SegmentNotice } from '../audience/segment-view.ts';
import { segmentChangeLines } from '../render/segment.ts';
import { clip, escape, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';

/** A segment change as Block Kit; the segment's name and query are escaped like any text from outside. */
export function segmentChangeMessage(v: SegmentNotice): SlackMessage {
  const { title, lines } = segmentChangeLines(v);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.headerText) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(lines.map(escape).join('\n'), LIMITS.sectionText) } },
  ];
  return { text: escape(title), blocks: fitMessage(blocks) };
}
