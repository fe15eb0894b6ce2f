// Builds requests exactly as Slack sends them to our HTTP endpoints (slash commands, interactivity),
// signed the way https://docs.slack.dev/authentication/verifying-requests-from-slack describes.
import { createHmac } from 'node:crypto';

/** Slack's published signing example; security tests reuse it as a known-good vector. */
export const SLACK_SIGNING_EXAMPLE = {
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
} as const;

export interface SlackSignedHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
}

/** Signs `body` as Slack would at `timestampSeconds` (default: now, so it passes the 5-minute replay window). */
export function signSlackRequest(
  secret: string,
  body: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignedHeaders {
  const ts = String(timestampSeconds);
  const digest = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return {
    'x-slack-signature': `v0=${digest}`,
    'x-slack-request-timestamp': ts,
    // Events API bodies are JSON; commands and interactivity payloads are form-encoded.
    'content-type': body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
  };
}

export interface SlashCommandFields {
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
  team_domain: string;
  command: string;
  response_url: string;
  trigger_id: string;
  api_app_id: string;
}

/** The form-encoded body of a `/user360` slash command, in the field order Slack uses. */
export function slashCommandBody(fields: Partial<SlashCommandFields> = {}): string {
  const all: SlashCommandFields & { token: string; is_enterprise_install: string } = {
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'user360-test',
    channel_id: 'C1',
    channel_name: 'general',
    user_id: 'U1',
    user_name: 'tester',
    command: '/user360',
    text: '',
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T1/1/fake',
    trigger_id: '1.1.fake-trigger',
    ...fields,
  };
  return new URLSearchParams(Object.entries(all)).toString();
}

/**
 * The form-encoded `payload=<json>` body of an interactivity request. Top-level fields Bolt relies on
 * (type, team, user, api_app_id, trigger_id) get defaults; anything given in `payload` wins.
 */
export function blockActionBody(payload: object): string {
  const full = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'user360-test' },
    user: { id: 'U1', username: 'tester', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    trigger_id: '1.1.fake-trigger',
    actions: [],
    ...payload,
  };
  return new URLSearchParams({ payload: JSON.stringify(full) }).toString();
}
