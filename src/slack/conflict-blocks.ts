import type { ConflictRow, ConflictsResult } from '../../commands/conflicts.ts';
import { clip, escape, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';
import { noteModal } from './note-modal.ts';

/** `user360_conflict:approve|dismiss`, value the conflict id; an admin's click re-runs the decision as them. */
export const CONFLICT_ACTION_PREFIX = 'user360_conflict:';

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text: clip(text, LIMITS.sectionText) });

/** A conflict's words; the identifier (masked), the record id and a note come from outside and are escaped. */
export function conflictText(c: ConflictRow): string {
  const done = c.resolution ? `\n${c.resolution.decision === 'approved' ? '☑️ Approved' : '✖️ Dismissed'} by ${escape(c.resolution.by)} at ${c.resolution.at}${c.resolution.note ? `: ${escape(c.resolution.note)}` : ''}` : '';
  return `*#${c.id}* ${c.label} · ${c.at}\n${c.customerIds.join(' / ')}${c.identifier ? ` · ${escape(c.identifier)}` : ''}\n${escape(c.detail)}${c.record ? ` (record ${escape(c.record)})` : ''}${done}`;
}

/** The review list: each open conflict with Approve and Dismiss, and what the last decision did. */
export function conflictsMessage(r: ConflictsResult): SlackMessage {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Identity conflicts to review' } },
    ...(r.outcome ? [{ type: 'section', text: mrkdwn(`${r.outcome.ok ? '✅' : '⛔'} ${escape(r.outcome.text)}`) } as Block] : []),
    ...(r.rows.length ? [] : [{ type: 'section', text: mrkdwn('No identity conflicts to review.') } as Block]),
  ];
  for (const c of r.rows) {
    blocks.push({ type: 'section', text: mrkdwn(conflictText(c)) });
    if (!c.resolution) {
      blocks.push({
        type: 'actions',
        block_id: `user360_conflict_${c.id}`,
        elements: [
          { type: 'button', action_id: `${CONFLICT_ACTION_PREFIX}approve`, style: 'primary', text: { type: 'plain_text', text: 'Approve merge' }, value: String(c.id) },
          { type: 'button', action_id: `${CONFLICT_ACTION_PREFIX}dismiss`, style: 'danger', text: { type: 'plain_text', text: 'Dismiss…' }, value: String(c.id) },
        ],
      });
    }
  }
  if (r.more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`${r.more} more: decide these first, or \`/user360 conflicts approve|dismiss <id>\`.`)] });
  return { text: r.outcome ? escape(r.outcome.text) : 'Identity conflicts to review', blocks: fitMessage(blocks) };
}

/** The dismiss form: its callback id and its input (block and action ids), read back from the view submission. */
export const CONFLICT_DISMISS_VIEW = 'user360_conflict_dismiss';
export const REASON_FIELD = { block: 'user360_reason', action: 'reason' } as const;

/**
 * The modal a Dismiss click opens, asking why. `private_metadata` carries the conflict, the channel and
 * the list's response_url (the list is ephemeral: only its response_url can replace it); Slack echoes
 * it back and it is validated like any input.
 */
export function dismissModal(conflictId: number, metadata: string, maxReason: number) {
  return noteModal({
    callbackId: CONFLICT_DISMISS_VIEW, metadata, title: `Dismiss conflict #${conflictId}`,
    submit: 'Dismiss', label: 'Why are these not to be merged?', field: REASON_FIELD, max: maxReason,
  });
}
