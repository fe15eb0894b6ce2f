import type { SegmentNotice } from '../audience/segment-view.ts';
import { PERSONAL_SEGMENT_NOTE } from '../audience/segments.ts';
import { fmtInt } from './format.ts';

/**
 * A segment change as a title and plain lines, for Block Kit and embeds alike. The segment's name and
 * query are our users' text, so each platform escapes the lines; there is no personal data in them.
 */
export function segmentChangeLines(v: SegmentNotice): { title: string; lines: string[] } {
  if ('withheld' in v) {
    return { title: `Segment ${v.segment} changed`, lines: [`Who entered and left is not shown to your role: ${PERSONAL_SEGMENT_NOTE}.`, `/user360 segment unsubscribe ${v.segment}`] };
  }
  const more = (shown: number, n: number) => (n > shown ? ` …and ${fmtInt(n - shown)} more` : '');
  return {
    title: `Segment ${v.segment}: ${v.entered ? `+${fmtInt(v.entered)} entered` : ''}${v.entered && v.exited ? ', ' : ''}${v.exited ? `−${fmtInt(v.exited)} left` : ''}`,
    lines: [
      `Now ${fmtInt(v.size)} customer(s) · ${v.query}`,
      ...(v.entered ? [`Entered: ${v.enteredIds.join(', ')}${more(v.enteredIds.length, v.entered)}`] : []),
      ...(v.exited ? [`Left: ${v.exitedIds.join(', ')}${more(v.exitedIds.length, v.exited)}`] : []),
      `/user360 segment show ${v.segment}`,
    ],
  };
}
