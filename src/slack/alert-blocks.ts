import type { AlertView } from '../../commands/types.ts';
import { clip, escape, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';

/** Action ids of an alert's buttons; the button's value is the unified ID (open) or the alert id (ack). */
export const ALERT_ACTION = { ack: 'user360_ack', open: 'user360_open' } as const;

const acknowledger = (by: string) => {
  const [platform, id = ''] = by.split(':');
  // The id comes from Slack's signed payload, so on Slack it is written as the mention it is.
  return platform === 'slack' && /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escape(id);
};

/** An alert as Block Kit: the change (data escaped), who acknowledged it, and its buttons. */
export function alertMessage(a: AlertView): SlackMessage {
  const acked = a.acknowledged ? `✅ Acknowledged by ${acknowledger(a.acknowledged.by)} at ${a.acknowledged.at}` : null;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(a.title, LIMITS.headerText) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(a.lines.map((l) => `${l.label}: ${escape(l.value)}`).join('\n'), LIMITS.sectionText) } },
    ...(acked ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: acked }] } as Block] : []),
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: ALERT_ACTION.open, text: { type: 'plain_text', text: 'Open profile' }, value: a.unifiedId },
        ...(acked ? [] : [{ type: 'button' as const, action_id: ALERT_ACTION.ack, style: 'primary' as const, text: { type: 'plain_text' as const, text: 'Acknowledge' }, value: String(a.id) }]),
      ],
    },
  ];
  return { text: escape(a.title), blocks: fitMessage(blocks) };
}
