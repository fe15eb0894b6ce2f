import type { SegmentNotice } from '../audience/segment-view.ts';
import { segmentChangeLines } from '../render/segment.ts';
import { escape } from './escape.ts';
import { COLOR, embed, type DiscordMessage } from './limits.ts';

/** A segment change as one embed; the segment's name and query are escaped like any text from outside. */
export function segmentChangeMessage(v: SegmentNotice): DiscordMessage {
  const { title, lines } = segmentChangeLines(v);
  return { embeds: [embed({ title, lines: lines.map(escape), color: COLOR.blurple })], components: [] };
}
