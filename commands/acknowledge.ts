import { canSeePersonalData } from '../src/access/mask.ts';
import { acknowledgeAlert } from '../src/compliance/alert-ack.ts';
import { alertViewFor } from '../src/compliance/alert-view.ts';
import { mayRunCompliance, notice, type CommandContext, type CommandResult } from './types.ts';

/**
 * An alert's Acknowledge button, the same on every platform: compliance and admin only, the first
 * click is kept, and the updated alert shows personal data only in the caller's own DM (`direct`)
 * and only to a role that may see it.
 */
export async function acknowledge(input: { alertId: number }, ctx: CommandContext): Promise<CommandResult> {
  const { caller, store } = ctx;
  if (!mayRunCompliance(caller)) return notice(false, 'Only compliance and admin roles can acknowledge alerts', `Your role is ${caller.role}.`);
  const alert = Number.isSafeInteger(input.alertId) ? await acknowledgeAlert(store, input.alertId, `${caller.platform}:${caller.userId}`, ctx.clock().getTime()) : undefined;
  if (!alert) return { kind: 'not_found', query: String(input.alertId), message: `No alert #${input.alertId}.` };
  const personal = caller.direct === true && canSeePersonalData(caller.role);
  return { kind: 'alert', alert: await alertViewFor(store.db, alert, personal) };
}
