import { App, type BlockAction, type ButtonAction, type RespondArguments } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { Hono } from 'hono';
import type { Store } from '../../db/client.ts';
import { acknowledge } from '../../commands/acknowledge.ts';
import { chatContext } from '../../commands/context.ts';
import { within } from '../../commands/deadline.ts';
import { runCommandText } from '../../commands/index.ts';
import { lookup } from '../../commands/lookup.ts';
import type { RolesContext } from '../../commands/roles.ts';
import { PROFILE_SECTIONS, type CommandResult, type OnchainAccess } from '../../commands/types.ts';
import type { Config, IdentityConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../time.ts';
import { errorMessage, renderSlack, SECTION_ACTION_PREFIX, type SlackMessage } from './blocks.ts';
import type { CardView } from './profile-blocks.ts';
import { boltLogger } from './bolt-logger.ts';
import { HonoReceiver } from './receiver.ts';
import { ALERT_ACTION } from './alert-blocks.ts';
import { clickedMessage, registerReviewActions } from './review-actions.ts';
import { find } from '../../commands/find.ts';
import { FIND_PAGE_ACTION } from './find-blocks.ts';
import { handlePageActions } from './page-action.ts';
import * as z from 'zod';

// A Next/Previous button's value: JSON that Slack echoes back, so it is validated like any input.
const pageValueSchema = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
}).pipe(z.object({ q: z.string().max(2000), c: z.string().max(200) }));

export interface SlackDeps {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
  log: Logger;
  slack: NonNullable<Config['slack']>;
  /**
   * A command that finishes within this answers inside the acknowledgement; a slower one is acked with
   * "Working on it…" and answered through response_url. Slack waits 3 s, so the default leaves 1 s spare.
   */
  ackDeadlineMs?: number;
  /** The command runner; tests pass a slow one to prove the response_url path. */
  run?: (text: string, ctx: RolesContext) => Promise<CommandResult>;
  /** WebClient retries (Bolt's own auth.test); tests pass `{ retries: 0 }`, production keeps Slack's default. */
  retryConfig?: RetryOptions;
  /** Lookups ask it for fresh on-chain readings (a row; never a node call on the request path). */
  onchain?: OnchainAccess;
}

const WORKING: SlackMessage = { text: 'Working on it…', blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: '⏳ Working on it…' }] }] };
const FAILED = 'Something went wrong on our side; it has been logged. Please try again.';
const VIEWS = new Set<string>(['card', ...PROFILE_SECTIONS]);
const isView = (v: string): v is CardView => VIEWS.has(v);

const ephemeral = (m: SlackMessage) => ({ response_type: 'ephemeral' as const, text: m.text, blocks: m.blocks });

/**
 * `POST /events` for Slack (mount at `/slack`): slash commands and the profile card's buttons, through a
 * Bolt App on a Hono receiver. The adapter only parses, acknowledges, calls the command layer and renders.
 */
export function slackRoutes(deps: SlackDeps): Hono {
  const { store, identity, clock, log, slack } = deps;
  const run = deps.run ?? runCommandText;
  const deadline = deps.ackDeadlineMs ?? 2000;

  // Bolt's auth.test runs on first use, not at start-up; a failure is retried by the next request.
  let ready: Promise<void> | undefined;
  const prepare = (): Promise<void> => {
    ready ??= bolt.init().catch((e: unknown) => {
      ready = undefined;
      throw e;
    });
    return ready;
  };
  const receiver = new HonoReceiver({ signingSecret: slack.signingSecret, log, now: () => clock().getTime(), prepare });
  const bolt: App = new App({
    token: slack.botToken,
    receiver,
    deferInitialization: true,
    convoStore: false,
    logger: boltLogger(log),
    clientOptions: { slackApiUrl: slack.apiUrl, ...(deps.retryConfig ? { retryConfig: deps.retryConfig } : {}) },
  });

  // A DM channel id starts with D: the caller's own conversation with the bot.
  const contextFor = (userId: string, channelId: string | undefined): Promise<RolesContext> =>
    chatContext({ store, identity, clock, onchain: deps.onchain }, { platform: 'slack', userId, channelId, direct: channelId?.startsWith('D') ?? false }, slack.admins);
  const failed = (error: unknown, what: string) => {
    log.error({ err: error }, `${what} failed`);
    return errorMessage(FAILED);
  };

  // Every slash command routed here runs User 360, so a workspace may name it /user360-staging.
  bolt.command(/.*/, async ({ command, ack, respond }) => {
    const work = contextFor(command.user_id, command.channel_id)
      .then((ctx) => run(command.text, ctx))
      .then(renderSlack)
      .catch((e: unknown) => failed(e, 'slash command'));
    const quick = await within(work, deadline);
    if (quick) return ack(ephemeral(quick));
    await ack(ephemeral(WORKING));
    const reply: RespondArguments = { ...ephemeral(await work), replace_original: true };
    await respond(reply);
  });

  // The card's buttons: the same lookup again, for whoever clicked (masked to their role), replacing the card.
  bolt.action<BlockAction<ButtonAction>>({ action_id: new RegExp(`^${SECTION_ACTION_PREFIX}`) }, async ({ ack, body, action, respond }) => {
    await ack();
    const view = action.action_id.slice(SECTION_ACTION_PREFIX.length);
    if (!isView(view) || !action.value) return;
    let message: SlackMessage;
    try {
      const ctx = await contextFor(body.user.id, body.channel?.id);
      message = renderSlack(await lookup({ identifier: action.value, section: view }, ctx));
    } catch (e) {
      message = failed(e, 'profile button');
    }
    await respond({ ...ephemeral(message), replace_original: true });
  });

  handlePageActions(bolt, contextFor, failed);

  // find's Next/Previous: the search runs again for whoever clicked, from the signed cursor it carries.
  bolt.action<BlockAction<ButtonAction>>({ action_id: new RegExp(`^${FIND_PAGE_ACTION}:`) }, async ({ ack, body, action, respond }) => {
    await ack();
    let message: SlackMessage;
    try {
      const value = pageValueSchema.safeParse(action.value ?? '');
      const ctx = await contextFor(body.user.id, body.channel?.id);
      message = value.success ? renderSlack(await find({ query: value.data.q, cursor: value.data.c }, ctx)) : errorMessage('That page button is not valid; run the search again.');
    } catch (e) {
      message = failed(e, 'find page button');
    }
    await respond({ ...ephemeral(message), replace_original: true });
  });

  // An alert's (and a find row's) "Open profile": the card for whoever clicked, as a new ephemeral message (the alert stays).
  bolt.action<BlockAction<ButtonAction>>({ action_id: ALERT_ACTION.open }, async ({ ack, body, action, respond }) => {
    await ack();
    let message: SlackMessage;
    try {
      const ctx = await contextFor(body.user.id, body.channel?.id);
      message = renderSlack(await lookup({ identifier: action.value ?? '', section: 'card' }, ctx));
    } catch (e) {
      message = failed(e, 'alert profile button');
    }
    await respond({ ...ephemeral(message), replace_original: false });
  });

  // An alert's "Acknowledge": stored once (the first click wins) and shown on the alert message.
  bolt.action<BlockAction<ButtonAction>>({ action_id: ALERT_ACTION.ack }, async ({ ack, body, action, respond }) => {
    await ack();
    const ctx = await contextFor(body.user.id, body.channel?.id);
    const r = await acknowledge({ alertId: Number(action.value), shownIn: clickedMessage(body) }, ctx);
    if (r.kind === 'not_found') return;
    const m = renderSlack(r);
    // The refusal is for the clicker alone; the acknowledged alert replaces the message everyone sees.
    await respond(r.kind === 'alert' ? { replace_original: true, text: m.text, blocks: m.blocks } : { ...ephemeral(m), replace_original: false });
  });

  // response_urls are Slack's own; in tests they point at the fake Web API's server.
  const origins = new Set(['https://hooks.slack.com', ...(slack.apiUrl ? [new URL(slack.apiUrl).origin] : [])]);
  const mayRespondTo = (url: string | undefined) => {
    try {
      return url !== undefined && origins.has(new URL(url).origin);
    } catch {
      return false;
    }
  };
  registerReviewActions(bolt, { contextFor, failed, mayRespondTo });

  return receiver.routes;
}
