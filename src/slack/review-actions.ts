import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import * as z from 'zod';
import { alertAction, alertActionGate, type AlertActionInput } from '../../commands/acknowledge.ts';
import { conflicts, conflictsGate } from '../../commands/conflicts.ts';
import { MAX_NOTE } from '../../commands/note.ts';
import type { RolesContext } from '../../commands/roles.ts';
import type { CommandResult } from '../../commands/types.ts';
import { ALERT_ACTION, NOTE_FIELD, resolveModal } from './alert-blocks.ts';
import { renderSlack, type SlackMessage } from './blocks.ts';
import { CONFLICT_ACTION_PREFIX, CONFLICT_DISMISS_VIEW, dismissModal, REASON_FIELD } from './conflict-blocks.ts';
import { escape } from './limits.ts';

const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** JSON that Slack echoes back (a modal's private_metadata): parsed, then checked like any input. */
const echoed = <T extends z.ZodType>(max: number, shape: T) =>
  z
    .string()
    .max(max)
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(shape);
const channelSchema = z.string().regex(/^[A-Z0-9]{1,30}$/);
// What the resolve modal carries back: the alert and the message to update.
const metaSchema = echoed(500, z.object({ a: idSchema, c: channelSchema, t: z.string().regex(/^\d{1,12}\.\d{1,8}$/) }));
// What the dismiss modal carries back: the conflict, the channel, and the list's response_url.
const dismissMetaSchema = echoed(2000, z.object({ k: idSchema, c: channelSchema, r: z.url().max(1000) }));

export interface ReviewActionDeps {
  contextFor(userId: string, channelId: string | undefined): Promise<RolesContext>;
  failed(error: unknown, what: string): SlackMessage;
  /** Whether a response_url is Slack's own (or the Web API's configured in tests), before anything is posted to it. */
  mayRespondTo(url: string | undefined): boolean;
}

/**
 * The alert message a button sits on, as its delivery row keeps it (`<channel>:<ts>`): that copy is
 * updated by the click's answer, the alert's other copies by the delivery pipeline. An ephemeral
 * message is no delivery's copy.
 */
export function clickedMessage(body: BlockAction): string | undefined {
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return channel && ts && !body.container?.is_ephemeral ? `${channel}:${ts}` : undefined;
}

const ephemeral = (m: SlackMessage) => ({ response_type: 'ephemeral' as const, replace_original: false, text: m.text, blocks: m.blocks });

/**
 * An alert's Claim, Snooze and Resolve… (a modal for the note), and the conflicts list's Approve and
 * Dismiss… (a modal for the reason). Each click runs the command again as whoever clicked, so the role is checked per click; the
 * message everyone sees is replaced with the new state, and a refusal goes to the clicker alone.
 */
export function registerReviewActions(bolt: App, deps: ReviewActionDeps): void {
  const showAlert = async (r: CommandResult, respond: RespondFn) => {
    const m = renderSlack(r);
    if (r.kind !== 'alert') return respond(ephemeral(m));
    await respond({ replace_original: true, text: m.text, blocks: m.blocks });
    if (r.refused) await respond({ response_type: 'ephemeral', replace_original: false, text: escape(r.refused) });
  };
  const onAlert = (matcher: string | RegExp, input: (action: ButtonAction) => Omit<AlertActionInput, 'alertId'>) =>
    bolt.action<BlockAction<ButtonAction>>({ action_id: matcher }, async ({ ack, body, action, respond }) => {
      await ack();
      try {
        const ctx = await deps.contextFor(body.user.id, body.channel?.id);
        await showAlert(await alertAction({ alertId: Number(action.value), ...input(action), shownIn: clickedMessage(body) }, ctx), respond);
      } catch (e) {
        await respond(ephemeral(deps.failed(e, `alert ${action.action_id}`)));
      }
    });

  onAlert(ALERT_ACTION.claim, () => ({ action: 'claim' }));
  onAlert(new RegExp(`^${ALERT_ACTION.snooze}:`), (a) => ({ action: 'snooze', snoozeFor: a.action_id.slice(ALERT_ACTION.snooze.length + 1) }));

  // Resolve…: the role first (a viewer gets no form), then a modal for the note.
  bolt.action<BlockAction<ButtonAction>>({ action_id: ALERT_ACTION.resolve }, async ({ ack, body, action, respond, client }) => {
    await ack();
    const ctx = await deps.contextFor(body.user.id, body.channel?.id);
    const refused = alertActionGate(ctx);
    if (refused) return void (await respond(ephemeral(renderSlack(refused))));
    const id = idSchema.safeParse(action.value);
    const channel = body.container?.channel_id ?? body.channel?.id;
    const ts = body.container?.message_ts ?? body.message?.ts;
    if (!id.success || !channel || !ts) return void (await respond(ephemeral(renderSlack({ kind: 'notice', ok: false, title: 'That button is not valid', lines: [] }))));
    await client.views.open({ trigger_id: body.trigger_id, view: resolveModal(id.data, channel, ts, MAX_NOTE) });
  });

  // The note arrives here: a bad note or a refused role is shown in the form; otherwise the alert message is updated.
  bolt.view(ALERT_ACTION.resolveView, async ({ ack, body, view, client }) => {
    const meta = metaSchema.safeParse(view.private_metadata);
    if (!meta.success) return void (await ack({ response_action: 'errors', errors: { [NOTE_FIELD.block]: 'This form is no longer valid; click Resolve… again.' } }));
    const note = view.state.values[NOTE_FIELD.block]?.[NOTE_FIELD.action]?.value ?? '';
    const ctx = await deps.contextFor(body.user.id, meta.data.c);
    const r = await alertAction({ alertId: meta.data.a, action: 'resolve', note, shownIn: `${meta.data.c}:${meta.data.t}` }, ctx);
    if (r.kind !== 'alert') {
      const text = r.kind === 'notice' ? [r.title, ...r.lines].join(': ') : r.kind === 'not_found' ? r.message : 'The alert was not resolved.';
      return void (await ack({ response_action: 'errors', errors: { [NOTE_FIELD.block]: text.slice(0, 300) } }));
    }
    await ack();
    const m = renderSlack(r);
    await client.chat.update({ channel: meta.data.c, ts: meta.data.t, text: m.text, blocks: m.blocks });
    if (r.refused) await client.chat.postEphemeral({ channel: meta.data.c, user: body.user.id, text: escape(r.refused) });
  });

  // The conflicts list's Approve: the decision as the clicker (admins only), then the list again in its place.
  bolt.action<BlockAction<ButtonAction>>({ action_id: `${CONFLICT_ACTION_PREFIX}approve` }, async ({ ack, body, action, respond }) => {
    await ack();
    let message: SlackMessage;
    let replace = false;
    try {
      const id = idSchema.safeParse(action.value);
      const ctx = await deps.contextFor(body.user.id, body.channel?.id);
      const r: CommandResult = id.success ? await conflicts({ action: 'approve', id: id.data, reason: undefined }, ctx) : { kind: 'notice', ok: false, title: 'That button is not valid', lines: [] };
      message = renderSlack(r);
      replace = r.kind === 'conflicts';
    } catch (e) {
      message = deps.failed(e, 'conflict button');
    }
    await respond(replace ? { response_type: 'ephemeral', replace_original: true, text: message.text, blocks: message.blocks } : ephemeral(message));
  });

  // Dismiss…: the role first (a non-admin gets no form), then a modal asking why.
  bolt.action<BlockAction<ButtonAction>>({ action_id: `${CONFLICT_ACTION_PREFIX}dismiss` }, async ({ ack, body, action, respond, client }) => {
    await ack();
    try {
      const ctx = await deps.contextFor(body.user.id, body.channel?.id);
      const refused = conflictsGate(ctx);
      if (refused) return void (await respond(ephemeral(renderSlack(refused))));
      const id = idSchema.safeParse(action.value);
      const channel = body.container?.channel_id ?? body.channel?.id;
      const meta = JSON.stringify({ k: id.data, c: channel, r: body.response_url });
      if (!id.success || !dismissMetaSchema.safeParse(meta).success || !deps.mayRespondTo(body.response_url)) {
        return void (await respond(ephemeral(renderSlack({ kind: 'notice', ok: false, title: 'That button is not valid', lines: [] }))));
      }
      await client.views.open({ trigger_id: body.trigger_id, view: dismissModal(id.data, meta, MAX_NOTE) });
    } catch (e) {
      await respond(ephemeral(deps.failed(e, 'conflict dismiss button')));
    }
  });

  // The reason arrives here: a bad reason or a refused role is shown in the form; otherwise the
  // decision is stored (with its audit row) and the list is replaced through its response_url.
  bolt.view(CONFLICT_DISMISS_VIEW, async ({ ack, body, view }) => {
    const meta = dismissMetaSchema.safeParse(view.private_metadata);
    if (!meta.success || !deps.mayRespondTo(meta.data.r)) {
      return void (await ack({ response_action: 'errors', errors: { [REASON_FIELD.block]: 'This form is no longer valid; click Dismiss again.' } }));
    }
    const reason = view.state.values[REASON_FIELD.block]?.[REASON_FIELD.action]?.value ?? '';
    const ctx = await deps.contextFor(body.user.id, meta.data.c);
    const r = await conflicts({ action: 'dismiss', id: meta.data.k, reason }, ctx);
    // Refused, a bad reason, or decided already (by someone else): said in the form, the list left as it is.
    if (r.kind !== 'conflicts' || r.outcome?.ok === false) {
      const text = r.kind === 'notice' ? [r.title, ...r.lines].join(': ') : r.kind === 'conflicts' ? r.outcome!.text : 'The conflict was not dismissed.';
      return void (await ack({ response_action: 'errors', errors: { [REASON_FIELD.block]: text.slice(0, 300) } }));
    }
    await ack();
    const m = renderSlack(r);
    try {
      const res = await fetch(meta.data.r, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', replace_original: true, text: m.text, blocks: m.blocks }) });
      if (!res.ok) throw new Error(`response_url answered ${res.status}`);
    } catch (e) {
      deps.failed(e, 'conflict dismiss list update');
    }
  });
}
