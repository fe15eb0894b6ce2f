import type { AlertView } from '../../commands/types.ts';
import { clip, escape, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';
import { noteModal } from './note-modal.ts';

/**
 * Action ids of an alert's buttons; each button's value is the alert id, Open profile's the unified ID.
 * `resolve` opens a modal for the note (callback id `resolveView`).
 */
export const ALERT_ACTION = {
  ack: 'user360_ack', open: 'user360_open', claim: 'user360_claim', resolve: 'user360_resolve', snooze: 'user360_snooze', resolveView: 'user360_resolve_note',
} as const;
/** The snooze buttons: `user360_snooze:<duration>`. */
export const SNOOZE_BUTTONS = ['1h', '1d'] as const;

const person = (by: string) => {
  const [platform, id = ''] = by.split(':');
  // The id comes from Slack's signed payload, so on Slack it is written as the mention it is.
  return platform === 'slack' && /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escape(by);
};

/** The lines that say where the alert stands; a note is a person's text, escaped. */
export function alertStateLines(a: AlertView): string[] {
  return [
    ...(a.acknowledged ? [`✅ Acknowledged by ${person(a.acknowledged.by)} at ${a.acknowledged.at}`] : []),
    ...(a.claimed ? [`🙋 Claimed by ${person(a.claimed.by)} at ${a.claimed.at}`] : []),
    ...(a.resolved ? [`☑️ Resolved by ${person(a.resolved.by)} at ${a.resolved.at}: ${escape(a.resolved.note)}`] : []),
    ...(a.snoozed ? [`💤 Snoozed by ${person(a.snoozed.by)} until ${a.snoozed.until}`] : []),
  ];
}

const button = (action_id: string, text: string, value: string, style?: 'primary') => ({ type: 'button' as const, action_id, text: { type: 'plain_text' as const, text }, value, ...(style ? { style } : {}) });

/** An alert as Block Kit: the change (data escaped), where it stands, and the buttons that still apply. */
export function alertMessage(a: AlertView): SlackMessage {
  const state = alertStateLines(a);
  const id = String(a.id);
  const open = !a.resolved;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${a.reminder ? '⏰ Snooze ended · ' : ''}${a.title}`, LIMITS.headerText) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(a.lines.map((l) => `${l.label}: ${escape(l.value)}`).join('\n'), LIMITS.sectionText) } },
    ...(state.length ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: clip(state.join('\n'), LIMITS.sectionText) }] } as Block] : []),
    {
      type: 'actions',
      elements: [
        button(ALERT_ACTION.open, 'Open profile', a.unifiedId),
        ...(a.acknowledged || !open ? [] : [button(ALERT_ACTION.ack, 'Acknowledge', id, 'primary')]),
        ...(a.claimed || !open ? [] : [button(ALERT_ACTION.claim, 'Claim', id)]),
        ...(open ? [button(ALERT_ACTION.resolve, 'Resolve…', id)] : []),
        ...(open ? SNOOZE_BUTTONS.map((d) => button(`${ALERT_ACTION.snooze}:${d}`, `Snooze ${d}`, id)) : []),
      ],
    },
  ];
  return { text: escape(a.title), blocks: fitMessage(blocks) };
}

/** The resolve form's input (block and action ids), read back from the view submission. */
export const NOTE_FIELD = { block: 'user360_note', action: 'note' } as const;

/**
 * The modal a Resolve… click opens. `private_metadata` carries the alert and the message to update
 * (Slack echoes it back; it is validated like any input).
 */
export function resolveModal(alertId: number, channel: string, ts: string, maxNote: number) {
  return noteModal({
    callbackId: ALERT_ACTION.resolveView, metadata: JSON.stringify({ a: alertId, c: channel, t: ts }), title: `Resolve alert #${alertId}`,
    submit: 'Resolve', label: 'How was it resolved?', field: NOTE_FIELD, max: maxNote,
  });
}
