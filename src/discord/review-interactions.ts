// An alert's Claim, Snooze and Resolve… (a modal for the note) and the conflicts list's Approve and
// Dismiss… (a modal for the reason) on Discord. Each click runs the command as whoever clicked; the message everyone sees is
// updated with the new state (UPDATE_MESSAGE), a refusal goes to the clicker alone (ephemeral).
import * as z from 'zod';
import { alertAction, alertActionGate } from '../../commands/acknowledge.ts';
import { conflicts, conflictsGate } from '../../commands/conflicts.ts';
import { MAX_NOTE } from '../../commands/note.ts';
import type { RolesContext } from '../../commands/roles.ts';
import type { CommandResult } from '../../commands/types.ts';
import { ALERT_BUTTON, alertCustomId, NOTE_INPUT } from './alert-embeds.ts';
import { CONFLICT_BUTTON, CONFLICT_DISMISS_MODAL, REASON_INPUT } from './conflict-embeds.ts';
import { NO_MENTIONS, renderDiscord } from './embeds.ts';

const TYPE = { component: 3, modalSubmit: 5 } as const;
const CALLBACK = { message: 4, updateMessage: 7, modal: 9 } as const;
const EPHEMERAL = 64;

// Only what a modal submission adds to an interaction: its text inputs.
const modalSchema = z.object({
  data: z.object({
    custom_id: z.string().max(100),
    components: z.array(z.object({ components: z.array(z.object({ custom_id: z.string().max(100), value: z.string().max(4000).optional() })).max(5) })).max(5).default([]),
  }),
});
/** A modal submission's text input by its custom id, or undefined. */
function textInput(body: unknown, customId: string): string | undefined {
  const parsed = modalSchema.safeParse(body);
  return parsed.success ? parsed.data.data.components.flatMap((row) => row.components).find((c) => c.custom_id === customId)?.value : undefined;
}
const id = (s: string) => (/^\d{1,12}$/.test(s) ? Number(s) : NaN);
const snowflake = z.string().regex(/^\d{1,25}$/);
const messageSchema = z.object({ channel_id: snowflake.optional(), message: z.object({ id: snowflake, channel_id: snowflake.optional() }) });

/**
 * The alert message a button (or the modal it opened) sits on, as its delivery row keeps it
 * (`<channel>:<message id>`): the interaction's answer updates that copy, the pipeline the others.
 */
export function clickedMessage(body: unknown): string | undefined {
  const m = messageSchema.safeParse(body);
  const channel = m.success ? (m.data.message.channel_id ?? m.data.channel_id) : undefined;
  return m.success && channel ? `${channel}:${m.data.message.id}` : undefined;
}

export type ReviewReply = { type: number; data?: Record<string, unknown> };

const privately = (r: CommandResult): ReviewReply => ({ type: CALLBACK.message, data: { ...renderDiscord(r), flags: EPHEMERAL, allowed_mentions: NO_MENTIONS } });
const update = (r: CommandResult): ReviewReply => ({ type: CALLBACK.updateMessage, data: { ...renderDiscord(r), allowed_mentions: NO_MENTIONS } });
const notice = (title: string, ...lines: string[]): CommandResult => ({ kind: 'notice', ok: false, title, lines });

/** The alert as it now stands on the message; someone else's claim (or resolution) told to the clicker alone. */
function alertReply(r: CommandResult): ReviewReply {
  if (r.kind !== 'alert') return privately(r);
  return r.refused ? privately(notice(r.refused)) : update(r);
}

/** The reply to a review click or modal, or null when the interaction is not one of these. */
export async function reviewInteraction(type: number, customId: string | undefined, body: unknown, ctx: RolesContext): Promise<ReviewReply | null> {
  if (!customId) return null;
  if (type === TYPE.component && customId.startsWith(ALERT_BUTTON.claim)) {
    return alertReply(await alertAction({ alertId: id(customId.slice(ALERT_BUTTON.claim.length)), action: 'claim', shownIn: clickedMessage(body) }, ctx));
  }
  if (type === TYPE.component && customId.startsWith(ALERT_BUTTON.snooze)) {
    const [duration = '', alertId = ''] = customId.slice(ALERT_BUTTON.snooze.length).split(':');
    return alertReply(await alertAction({ alertId: id(alertId), action: 'snooze', snoozeFor: duration, shownIn: clickedMessage(body) }, ctx));
  }
  if (type === TYPE.component && customId.startsWith(ALERT_BUTTON.resolve)) {
    const refused = alertActionGate(ctx);
    if (refused) return privately(refused);
    const alertId = id(customId.slice(ALERT_BUTTON.resolve.length));
    if (!Number.isSafeInteger(alertId)) return privately(notice('That button is not valid'));
    return {
      type: CALLBACK.modal,
      data: {
        custom_id: alertCustomId.resolveModal(alertId),
        title: `Resolve alert #${alertId}`.slice(0, 45),
        components: [{ type: 1, components: [{ type: 4, custom_id: NOTE_INPUT, label: 'How was it resolved?', style: 2, min_length: 1, max_length: MAX_NOTE, required: true }] }],
      },
    };
  }
  if (type === TYPE.modalSubmit && customId.startsWith(ALERT_BUTTON.resolveModal)) {
    const note = textInput(body, NOTE_INPUT);
    if (note === undefined) return privately(notice('The form came back without a note', 'Click Resolve… again.'));
    return alertReply(await alertAction({ alertId: id(customId.slice(ALERT_BUTTON.resolveModal.length)), action: 'resolve', note, shownIn: clickedMessage(body) }, ctx));
  }
  if (type === TYPE.component && customId.startsWith(CONFLICT_BUTTON)) {
    const [decision, raw = ''] = customId.slice(CONFLICT_BUTTON.length).split(':');
    const conflictId = id(raw);
    if ((decision !== 'approve' && decision !== 'dismiss') || !Number.isSafeInteger(conflictId)) return privately(notice('That button is not valid'));
    if (decision === 'dismiss') {
      // The role first (a non-admin gets no form), then a modal asking why.
      const refused = conflictsGate(ctx);
      if (refused) return privately(refused);
      return {
        type: CALLBACK.modal,
        data: {
          custom_id: `${CONFLICT_DISMISS_MODAL}${conflictId}`,
          title: `Dismiss conflict #${conflictId}`.slice(0, 45),
          components: [{ type: 1, components: [{ type: 4, custom_id: REASON_INPUT, label: 'Why are these not to be merged?', style: 2, min_length: 1, max_length: MAX_NOTE, required: true }] }],
        },
      };
    }
    const r = await conflicts({ action: 'approve', id: conflictId, reason: undefined }, ctx);
    return r.kind === 'conflicts' ? update(r) : privately(r);
  }
  if (type === TYPE.modalSubmit && customId.startsWith(CONFLICT_DISMISS_MODAL)) {
    const conflictId = id(customId.slice(CONFLICT_DISMISS_MODAL.length));
    const reason = textInput(body, REASON_INPUT);
    if (!Number.isSafeInteger(conflictId)) return privately(notice('That form is not valid'));
    if (reason === undefined) return privately(notice('The form came back without a reason', 'Click Dismiss again.'));
    // The list the modal was opened from is replaced; a bad reason or a refusal goes to the submitter alone.
    const r = await conflicts({ action: 'dismiss', id: conflictId, reason }, ctx);
    return r.kind === 'conflicts' ? update(r) : privately(r);
  }
  return null;
}
