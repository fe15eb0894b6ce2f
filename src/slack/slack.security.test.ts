// Forged, stale, replayed and malformed requests to POST /slack/events: none may run a command.
import { verifySlackRequest } from '@slack/bolt';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.ts';
import { SLACK_SIGNING_EXAMPLE, signSlackRequest, slashCommandBody } from '../../test/fakes/slack-sign.ts';
import { body } from '../../test/support/app.ts';
import { identify, ingest } from '../../test/support/factories.ts';
import { SECRET, slackHarness } from './slack.test-kit.ts';

const nowS = () => Math.floor(Date.now() / 1000);

describe("Slack's published signing example", () => {
  it('verifies with Bolt’s verifySlackRequest', () => {
    const { signingSecret, timestamp, body: raw, signature } = SLACK_SIGNING_EXAMPLE;
    expect(() =>
      verifySlackRequest({ signingSecret, body: raw, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: timestamp * 1000 + 10_000 }),
    ).not.toThrow();
    expect(signSlackRequest(signingSecret, raw, timestamp)['x-slack-signature']).toBe(signature);
  });

  it('is accepted end to end by the endpoint configured with that secret', async () => {
    const { signingSecret, timestamp, body: raw, signature } = SLACK_SIGNING_EXAMPLE;
    const h = await slackHarness({ env: { SLACK_SIGNING_SECRET: signingSecret }, now: timestamp * 1000 + 30_000 });
    const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp), 'content-type': 'application/x-www-form-urlencoded' };
    const res = await h.post(raw, headers);
    const json = await body(res);
    // The example's command has empty text, which is a request for help.
    expect(res.status, JSON.stringify(json)).toBe(200);
    expect(json).toMatchObject({ response_type: 'ephemeral', text: 'User 360 usage' });

    const tampered = raw.replace('text=', 'text=lookup%20alice%40example.com');
    expect((await h.post(tampered, headers)).status).toBe(401);
  });
});

describe('refused requests', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let lookupBody: string;

  beforeAll(async () => {
    h = await slackHarness();
    await ingest(h.deps, [identify({ email: 'sec@example.com' })]);
    lookupBody = slashCommandBody({ text: 'lookup sec@example.com', user_id: 'UADMIN1', response_url: h.api.responseUrl('sec') });
  });
  afterEach(() => h.api.reset());

  const expectNothingRan = async () => {
    expect(await h.store.db.select().from(auditLog)).toEqual([]);
    expect(h.api.calls.map((c) => c.method)).toEqual([]);
  };

  const cases: Array<[string, () => Record<string, string>]> = [
    ['a signature made with another secret', () => ({ ...signSlackRequest('not-the-secret', lookupBody, nowS()) })],
    ['no signature headers at all', () => ({ 'content-type': 'application/x-www-form-urlencoded' })],
    ['a signature without its timestamp', () => {
      const { 'x-slack-request-timestamp': _, ...rest } = signSlackRequest(SECRET, lookupBody, nowS());
      return rest;
    }],
    ['a timestamp 6 minutes old (correctly signed)', () => ({ ...signSlackRequest(SECRET, lookupBody, nowS() - 6 * 60) })],
    ['a timestamp 6 minutes ahead (correctly signed)', () => ({ ...signSlackRequest(SECRET, lookupBody, nowS() + 6 * 60) })],
    ['a malformed timestamp', () => ({ ...signSlackRequest(SECRET, lookupBody, nowS()), 'x-slack-request-timestamp': 'soon' })],
    ['a v1 signature scheme', () => {
      const signed = signSlackRequest(SECRET, lookupBody, nowS());
      return { ...signed, 'x-slack-signature': signed['x-slack-signature'].replace('v0=', 'v1=') };
    }],
  ];
  it.each(cases)('refuses %s with 401 and runs nothing', async (_name, headers) => {
    const res = await h.post(lookupBody, headers());
    expect(res.status, await res.clone().text()).toBe(401);
    expect(await body(res)).toMatchObject({ code: 'invalid_signature' });
    await expectNothingRan();
  });

  it('refuses a body changed after signing', async () => {
    const headers = { ...signSlackRequest(SECRET, lookupBody, nowS()) };
    const res = await h.post(lookupBody.replace('sec%40example.com', 'other%40example.com'), headers);
    expect(res.status).toBe(401);
    await expectNothingRan();
  });

  it('refuses a forged button click', async () => {
    const action = { type: 'button', action_id: 'user360_section:compliance', value: 'u_01JAAAAAAAAAAAAAAAAAAAAAAA' };
    const payload = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'UADMIN1' }, response_url: h.api.responseUrl('f'), actions: [action] }))}`;
    const refused = await h.post(payload, { ...signSlackRequest('forged', payload, nowS()) });
    expect(refused.status).toBe(401);
    await expectNothingRan();
  });

  it('answers an ssl_check without a signature and without running anything smuggled in it', async () => {
    const smuggled = `ssl_check=1&token=x&command=%2Fuser360&text=lookup%20sec%40example.com&user_id=UADMIN1`;
    const res = await h.post(smuggled, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await expectNothingRan();
  });

  it('answers url_verification only when signed', async () => {
    const challenge = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'c-123' });
    const ok = await h.post(challenge);
    expect(await body(ok)).toEqual({ challenge: 'c-123' });
    const forged = await h.post(challenge, { 'content-type': 'application/json' });
    expect(forged.status).toBe(401);
  });

  it('refuses a signed body that is not a Slack payload with 400', async () => {
    const json = 'application/json';
    const form = 'application/x-www-form-urlencoded';
    for (const [raw, type] of [['{not json', json], ['[1,2]', json], ['null', json], ['payload=%7Bbroken', form]] as const) {
      const res = await h.post(raw, { ...signSlackRequest(SECRET, raw, nowS()), 'content-type': type });
      expect(res.status, raw).toBe(400);
    }
    await expectNothingRan();
  });

  it('refuses oversized bodies before reading them into memory', async () => {
    const raw = `token=x&text=${'a'.repeat(1024 * 1024 + 10)}`;
    const res = await h.post(raw, { ...signSlackRequest(SECRET, raw, nowS()), 'content-length': String(raw.length) });
    expect(res.status).toBe(413);
    await expectNothingRan();
  });

  it('handles a replayed event (same event_id, X-Slack-Retry-Num) once', async () => {
    const event = JSON.stringify({
      type: 'event_callback', token: 'x', team_id: 'T1', api_app_id: 'A1', event_id: 'Ev-replay-1', event_time: nowS(),
      event: { type: 'app_mention', user: 'U1', text: '<@UBOT> hi', ts: '1.1', channel: 'C1', event_ts: '1.1' },
    });
    const first = await h.post(event);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-slack-no-retry')).toBeNull();
    const retry = await h.post(event, { ...signSlackRequest(SECRET, event, nowS()), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('x-slack-no-retry')).toBe('1');
  });
});
