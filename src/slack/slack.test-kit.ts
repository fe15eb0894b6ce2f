// Test harness for the Slack adapter: the real Hono app with /slack mounted, a real Bolt App talking to the
// fake Slack Web API, a fresh database, and helpers that sign requests exactly as Slack does.
import { afterAll } from 'vitest';
import { createApp } from '../app.ts';
import { createLogger } from '../logger.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { SLACK_BOT, startFakeSlackApi } from '../../test/fakes/slack-api.ts';
import { blockActionBody, signSlackRequest, slashCommandBody, type SlashCommandFields } from '../../test/fakes/slack-sign.ts';
import { slackRoutes, type SlackDeps } from './index.ts';

export const SECRET = 'test-signing-secret-0123456789';
export const ADMIN = 'UADMIN1';

export interface HarnessOptions {
  env?: Record<string, string>;
  routes?: Partial<SlackDeps>;
  /** start of the service clock; defaults to now so default signatures are fresh */
  now?: number;
}

export async function slackHarness(opts: HarnessOptions = {}) {
  const api = await startFakeSlackApi();
  afterAll(() => api.close());
  const store = await createTestStore();
  const config = testConfig({
    IDENTIFIER_LIMITS: 'wallet=300',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: SLACK_BOT.token,
    SLACK_ADMINS: ADMIN,
    SLACK_API_URL: api.url,
    ...opts.env,
  });
  const clock = settableClock(opts.now ?? Date.now());
  const log = createLogger('silent');
  const slack = config.slack!;
  const routes = slackRoutes({ store, identity: config.identity, clock, log, slack, retryConfig: { retries: 0 }, ...opts.routes });
  const app = createApp({ store, config, clock, log, mounts: [{ path: '/slack', app: routes }] });
  const secret = slack.signingSecret;
  let seq = 0;

  /** POSTs `body` to /slack/events, signed now (by the service clock) unless headers are given. */
  const post = (body: string, headers: Record<string, string> = { ...signSlackRequest(secret, body, Math.floor(clock().getTime() / 1000)) }) =>
    app.request('/slack/events', { method: 'POST', headers, body });

  /** Runs `/user360 <text>` as `user`; the response_url points at the fake API so respond() is recorded. */
  const command = (text: string, user = 'U1', fields: Partial<SlashCommandFields> = {}) => {
    const responseUrl = api.responseUrl(`cmd-${++seq}`);
    return { responseUrl, res: post(slashCommandBody({ text, user_id: user, channel_id: 'C1', response_url: responseUrl, ...fields })) };
  };

  /** Clicks a button (its action_id and value, as a message carried them) as `user`. */
  const press = (actionId: string, value: string, user = 'U1') => {
    const responseUrl = api.responseUrl(`click-${++seq}`);
    const body = blockActionBody({
      user: { id: user, username: 'tester', team_id: 'T1' },
      channel: { id: 'C1', name: 'general' },
      container: { type: 'message', message_ts: '1.1', channel_id: 'C1', is_ephemeral: true },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: actionId, block_id: 'user360_sections', value, action_ts: '1.2', text: { type: 'plain_text', text: actionId } }],
    });
    return { responseUrl, res: post(body) };
  };
  /** Clicks one of the profile card's section buttons as `user`. */
  const click = (section: string, unifiedId: string, user = 'U1') => press(`user360_section:${section}`, unifiedId, user);

  /** The JSON posted to one response_url, once it arrives. */
  const responded = async (responseUrl: string) => {
    const path = new URL(responseUrl).pathname;
    const matching = () => api.callsTo('response_url').filter((c) => c.path === path);
    const deadline = Date.now() + 5000;
    while (matching().length === 0 && Date.now() < deadline) await api.waitFor('response_url', api.callsTo('response_url').length + 1, 5000);
    const [call] = matching();
    if (!call) throw new Error(`nothing was posted to ${path}`);
    return call.body as Record<string, any>;
  };

  /** Submits a modal as Slack would: its callback id, the metadata it was opened with, one text input's value. */
  const submitView = (user: string, callbackId: string, privateMetadata: string, field: { block: string; action: string }, value: string) => {
    const payload = {
      type: 'view_submission', team: { id: 'T1', domain: 'x' }, user: { id: user, username: 'x', team_id: 'T1' }, api_app_id: 'A1', token: 't', trigger_id: '2.2',
      view: {
        id: 'V1', type: 'modal', team_id: 'T1', app_id: 'A1', bot_id: 'B1', hash: 'h', callback_id: callbackId, private_metadata: privateMetadata, blocks: [],
        state: { values: { [field.block]: { [field.action]: { type: 'plain_text_input', value } } } },
      },
    };
    return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  };

  return { api, store, config, clock, app, routes, post, command, click, press, responded, submitView, deps: { store, identity: config.identity, clock } };
}

/**
 * Everything a person could read in a message, for "does it show X" assertions. The zero-width spaces
 * that escape() puts around `* _ ~ \`` in data are invisible, so they are dropped here.
 */
export const visible = (message: unknown) => JSON.stringify(message).replace(/\u200B/g, '');
