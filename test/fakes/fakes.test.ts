// Proves the fakes are faithful enough for the real SDK clients, so platform tests can trust them.
import { createPublicKey, verify } from 'node:crypto';
import { REST, DiscordAPIError, RateLimitError } from '@discordjs/rest';
import { App } from '@slack/bolt';
import { ErrorCode, LogLevel, WebClient, type WebAPIRateLimitedError } from '@slack/web-api';
import { Routes } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDiscordApi, type FakeDiscordApi } from './discord-api.ts';
import { DISCORD_SIGNING_EXAMPLE, generateDiscordKeys, keyFromSeedHex, signDiscordRequest } from './discord-sign.ts';
import { SLACK_BOT, startFakeSlackApi, type FakeSlackApi } from './slack-api.ts';
import { SLACK_SIGNING_EXAMPLE, signSlackRequest, slashCommandBody } from './slack-sign.ts';

describe('fake Slack API with the real WebClient', () => {
  let api: FakeSlackApi;
  const client = (opts: { rejectRateLimitedCalls?: boolean } = {}) =>
    new WebClient(SLACK_BOT.token, { slackApiUrl: api.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR, ...opts });

  beforeAll(async () => {
    api = await startFakeSlackApi();
  });
  afterEach(() => api.reset());
  afterAll(() => api.close());

  it('records chat.postMessage with its blocks parsed back into objects', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Ada*' } }];
    const res = await client().chat.postMessage({ channel: 'C1', text: 'Ada', blocks });

    expect(res).toMatchObject({ ok: true, channel: 'C1', ts: expect.stringMatching(/^\d+\.\d+$/) });
    const [call] = api.callsTo('chat.postMessage');
    expect(call?.body).toMatchObject({ channel: 'C1', text: 'Ada', blocks });
    expect(call?.headers.authorization).toBe(`Bearer ${SLACK_BOT.token}`);
  });

  it('surfaces a scripted 429 as a rate-limit error, then answers normally', async () => {
    api.failNext('chat.postMessage', { status: 429, headers: { 'Retry-After': '7' } });
    const web = client({ rejectRateLimitedCalls: true });

    const error = (await web.chat.postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
    expect(api.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('fails scripted 500s as HTTP errors and outages as request errors', async () => {
    api.failNext('users.info', { status: 500 });
    await expect(client().users.info({ user: 'U1' })).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });

    api.setDown(true);
    await expect(client().users.info({ user: 'U1' })).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(api.dropped.map((d) => d.method)).toEqual(['users.info']);

    api.setDown(false);
    const res = await client().users.info({ user: 'U1' });
    expect(res.user?.profile?.email).toBe('user-u1@example.com');
  });

  it('completes files.uploadV2 and records the uploaded bytes', async () => {
    const data = Buffer.alloc(1500, 7);
    const res = await client().files.uploadV2({ channel_id: 'C1', file: data, filename: 'report.csv', initial_comment: 'here' });

    expect(res.ok).toBe(true);
    expect(api.callsTo('upload').map((c) => c.body)).toEqual([{ bytes: 1500, filename: 'report.csv', file_id: expect.any(String) }]);
    const [complete] = api.callsTo('files.completeUploadExternal');
    expect(complete?.body).toMatchObject({ channel_id: 'C1', initial_comment: 'here', files: [{ id: expect.any(String) }] });
  });

  it("lets Bolt authorize via auth.test and record respond() on the response_url", async () => {
    const app = new App({
      token: SLACK_BOT.token,
      signingSecret: 'unused-here',
      clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } },
    });
    app.command('/user360', async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'profile for ada', response_type: 'ephemeral' });
    });
    const body = Object.fromEntries(new URLSearchParams(slashCommandBody({ text: 'ada', response_url: api.responseUrl('r1') })));

    await app.processEvent({ body, ack: async () => {} });

    expect(api.callsTo('auth.test').length).toBeGreaterThanOrEqual(1);
    const [reply] = await api.waitFor('response_url');
    expect(reply).toMatchObject({ path: '/response/r1', body: { text: 'profile for ada', response_type: 'ephemeral' } });
  });
});

describe('fake Discord API with the real REST client', () => {
  let api: FakeDiscordApi;
  const rest = () => new REST({ api: api.url, retries: 1 }).setToken('x');

  beforeAll(async () => {
    // These tests are about the fake itself, so it does not enforce User 360's allowed_mentions rule.
    api = await startFakeDiscordApi({ requireNoMentions: false });
  });
  afterEach(() => api.reset());
  afterAll(() => api.close());

  it('records a channel message and answers with an id and channel_id', async () => {
    const res = (await rest().post(Routes.channelMessages('123'), { body: { content: 'hi' } })) as Record<string, unknown>;

    expect(res).toMatchObject({ id: expect.stringMatching(/^\d+$/), channel_id: '123', content: 'hi' });
    const [call] = api.callsTo('POST /api/v10/channels/123/messages');
    expect(call?.body).toEqual({ content: 'hi' });
    expect(call?.headers.authorization).toBe('Bot x');
  });

  it('records multipart messages with payload_json and file sizes', async () => {
    const png = Buffer.alloc(2048, 1);
    await rest().post(Routes.channelMessages('123'), {
      body: { content: 'chart', attachments: [{ id: 0, filename: 'chart.png' }] },
      files: [{ name: 'chart.png', data: png }],
    });

    const [call] = await api.waitFor(/^POST .*\/channels\/123\/messages$/);
    expect(call?.body).toMatchObject({ content: 'chart' });
    expect(call?.files).toEqual([{ field: 'files[0]', name: 'chart.png', bytes: 2048, contentType: expect.any(String) }]);
  });

  // Event-based instead of timing the wait (it asserted >= 200 ms elapsed): REST told to reject on
  // rate limits, as the product's notifier is, reports exactly the scripted retry_after, and a REST that
  // waits it out sends the message once more. Planted: the fake announcing five times the scripted
  // wait: fails.
  it('speaks 429 as Discord does: REST reads the scripted retry_after, and one that waits succeeds', async () => {
    api.failNext('POST /api/v10/channels/', { status: 429, body: { retry_after: 0.2 } });
    const rejecting = new REST({ retries: 0, offset: 0, rejectOnRateLimit: () => true, api: api.url }).setToken('x');
    const err = await rejecting.post(Routes.channelMessages('123'), { body: { content: 'later' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfter).toBe(200);

    api.failNext('POST /api/v10/channels/', { status: 429, body: { retry_after: 0.2 } });
    await expect(rest().post(Routes.channelMessages('123'), { body: { content: 'later' } })).resolves.toMatchObject({ id: expect.any(String) });
    expect(api.callsTo('POST /api/v10/channels/123/messages')).toHaveLength(3);
  });

  it('answers interaction follow-ups, DMs and edits', async () => {
    const r = rest();
    await r.post(Routes.interactionCallback('9', 'tok'), { body: { type: 5 }, auth: false });
    const edited = await r.patch(Routes.webhookMessage('APP', 'tok', '@original'), { body: { content: 'done' }, auth: false });
    const dm = await r.post(Routes.userChannels(), { body: { recipient_id: '42' } });

    expect(edited).toMatchObject({ id: expect.any(String), content: 'done' });
    expect(dm).toEqual(expect.objectContaining({ id: 'DM42', type: 1 }));
    expect(api.calls.map((c) => c.method)).toEqual([
      'POST /api/v10/interactions/9/tok/callback',
      'PATCH /api/v10/webhooks/APP/tok/messages/@original',
      'POST /api/v10/users/@me/channels',
    ]);
  });

  it('echoes registered commands with ids and rejects ones without a description', async () => {
    const created = await rest().put(Routes.applicationCommands('APP'), { body: [{ name: 'user360', description: 'Look up a user' }] });
    expect(created).toEqual([expect.objectContaining({ id: expect.any(String), name: 'user360', application_id: 'APP' })]);

    const bad = rest().put(Routes.applicationGuildCommands('APP', 'G1'), { body: [{ name: 'user360' }] });
    await expect(bad).rejects.toBeInstanceOf(DiscordAPIError);
    await expect(bad).rejects.toMatchObject({ status: 400, code: 50035 });
  });
});

describe('request signing helpers', () => {
  it("reproduces Slack's published signing example", () => {
    const { signingSecret, body, timestamp, signature } = SLACK_SIGNING_EXAMPLE;
    expect(signSlackRequest(signingSecret, body, timestamp)).toEqual({
      'x-slack-signature': signature,
      'x-slack-request-timestamp': '1531420618',
      'content-type': 'application/x-www-form-urlencoded',
    });
  });

  it('reproduces the RFC 8032 test-1 key and the Discord ping signature', () => {
    const { seedHex, publicKeyHex, body, timestamp, signature } = DISCORD_SIGNING_EXAMPLE;
    const keys = keyFromSeedHex(seedHex);
    expect(keys.publicKeyHex).toBe(publicKeyHex);
    expect(signDiscordRequest(keys.privateKey, body, timestamp)).toEqual({
      'x-signature-ed25519': signature,
      'x-signature-timestamp': timestamp,
      'content-type': 'application/json',
    });
  });

  it('signs with fresh keys that verify against the hex public key', () => {
    const { publicKeyHex, privateKey } = generateDiscordKeys();
    const headers = signDiscordRequest(privateKey, '{"type":2}');
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyHex, 'hex')]);
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const message = Buffer.from(headers['x-signature-timestamp'] + '{"type":2}');
    expect(verify(null, message, publicKey, Buffer.from(headers['x-signature-ed25519'], 'hex'))).toBe(true);
  });
});
