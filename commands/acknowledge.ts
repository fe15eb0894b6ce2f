import { canSeePersonalData } from '../src/access/mask.ts';
import { acknowledgeAlert } from '../src/compliance/alert-ack.ts';
import { reviewAlert, type ReviewChange } from '../src/compliance/alert-review.ts';
import { alertViewFor } from '../src/compliance/alert-view.ts';
import { formatGmt8 } from '../src/time.ts';
import { parseNote } from './note.ts';
import { mayRunCompliance, notice, type CommandContext, type CommandResult } from './types.ts';

export const ALERT_ACTIONS = ['acknowledge', 'claim', 'resolve', 'snooze'] as const;
export type AlertActionName = (typeof ALERT_ACTIONS)[number];

const HOUR = 3_600_000;
/** How long a snooze may be: an hour to a week, written 1h, 4h, 1d, 7d … */
export const SNOOZE_CHOICES = ['1h', '4h', '1d', '3d', '7d'] as const;
export function parseSnooze(text: string): number | { error: string } {
  const m = /^(\d{1,3})([hd])$/.exec(text.trim().toLowerCase());
  const ms = m ? Number(m[1]) * (m[2] === 'h' ? HOUR : 24 * HOUR) : NaN;
  if (!(ms >= HOUR && ms <= 7 * 24 * HOUR)) return { error: `Snooze takes a duration from 1h to 7d, like ${SNOOZE_CHOICES.join(', ')}; not "${text}".` };
  return ms;
}

export interface AlertActionInput {
  alertId: number;
  action: AlertActionName;
  /** resolve: how it was resolved (1–500 characters) */
  note?: string;
  /** snooze: for how long (default 4h) */
  snoozeFor?: string;
  /**
   * The chat message the click came from (`<channel>:<ts>` on Slack, `<channel>:<message id>` on
   * Discord): the click's answer updates it, so only the alert's other copies get an edit queued.
   */
  shownIn?: string;
}

const refusal = (action: AlertActionName, role: string) => notice(false, `Only compliance and admin roles can ${action} alerts`, `Your role is ${role}.`);

/** The role check both chat adapters run before they open a resolve form: a refusal, or null. */
export function alertActionGate(ctx: CommandContext): CommandResult | null {
  return mayRunCompliance(ctx.caller) ? null : refusal('resolve', ctx.caller.role);
}

/**
 * An alert's buttons and `npx user360 alerts claim|resolve|snooze`, the same on every platform:
 * compliance and admin only; a claim and a resolution are kept from the first writer (a later one sees
 * who), a snooze moves the reminder. The updated alert shows personal data only in the caller's own DM
 * (`direct`) to a role that may see it, or on the operator's terminal.
 */
export async function alertAction(input: AlertActionInput, ctx: CommandContext): Promise<CommandResult> {
  const { caller, store } = ctx;
  if (!mayRunCompliance(caller)) return refusal(input.action, caller.role);
  if (caller.platform === 'api') return notice(false, 'Alerts are reviewed in Slack, Discord or the terminal');
  const now = ctx.clock().getTime();
  if (!Number.isSafeInteger(input.alertId) || input.alertId < 1) return { kind: 'not_found', query: String(input.alertId), message: `No alert #${input.alertId}.` };
  let change: ReviewChange | undefined;
  if (input.action === 'resolve') {
    const note = parseNote(input.note ?? '');
    if ('error' in note) return notice(false, 'The alert was not resolved', note.error);
    change = { action: 'resolve', note: note.note };
  } else if (input.action === 'snooze') {
    const ms = parseSnooze(input.snoozeFor ?? '4h');
    if (typeof ms !== 'number') return notice(false, 'The alert was not snoozed', ms.error);
    change = { action: 'snooze', until: now + ms };
  } else if (input.action === 'claim') change = { action: 'claim' };

  const by = { platform: caller.platform, userId: caller.userId, channelId: caller.channelId };
  const shownIn = input.shownIn && caller.platform !== 'cli' ? { platform: caller.platform, ref: input.shownIn } : undefined;
  const r = change
    ? await reviewAlert(store, input.alertId, by, change, now, shownIn)
    : await acknowledgeAlert(store, input.alertId, `${caller.platform}:${caller.userId}`, now, shownIn).then((a) => a && { alert: a, won: true });
  if (!r) return { kind: 'not_found', query: String(input.alertId), message: `No alert #${input.alertId}.` };
  const personal = (caller.platform === 'cli' || caller.direct === true) && canSeePersonalData(caller.role);
  const alert = await alertViewFor(store.db, r.alert, personal);
  if (r.won) return { kind: 'alert', alert };
  const a = r.alert;
  const why = a.resolvedBy
    ? `Alert #${a.id} was already resolved by ${a.resolvedBy} at ${formatGmt8(a.resolvedAt!)}; nothing changed.`
    : `Alert #${a.id} was already claimed by ${a.claimedBy} at ${formatGmt8(a.claimedAt!)}; nothing changed.`;
  return { kind: 'alert', alert, refused: why };
}

/** The Acknowledge button (kept under its old name for the adapters that call it). */
export const acknowledge = (input: { alertId: number; shownIn?: string }, ctx: CommandContext) => alertAction({ alertId: input.alertId, action: 'acknowledge', shownIn: input.shownIn }, ctx);
