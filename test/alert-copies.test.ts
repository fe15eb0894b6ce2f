// Issue 16 item 13, finished: an alert that is claimed, snoozed or resolved — from a Slack button, a
// Discord button or the terminal — is brought up to date on every message it went out as (each
// subscriber's DM and channel copy, on both platforms), through the delivery pipeline: one edit per
// copy and change under a unique row, retried on failure, a channel copy without personal data.
// Real app, Bolt and discord.js REST against the fake Slack and Discord APIs, real libSQL (file and sqld).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { alertAction } from '../commands/acknowledge.ts';
import { alerts, deliveries } from '../db/schema/index.ts';
import { grantRole } from '../src/access/roles.ts';
import { fanOutAlerts } from '../src/compliance/alert-fanout.ts';
import { alertDeliveryRenderer } from '../src/compliance/alert-delivery.ts';
import { enqueueAlertEdits } from '../src/compliance/alert-copies.ts';
import { subscribeAlerts } from '../src/compliance/alert-subscriptions.ts';
import { createApp } from '../src/app.ts';
import { processDueDeliveries } from '../src/delivery/deliveries.ts';
import { discordNotifier } from '../src/delivery/notifiers/discord.ts';
import { slackNotifier } from '../src/delivery/notifiers/slack.ts';
import { deliveryRenderer } from '../src/delivery/render.ts';
import { discordRoutes } from '../src/discord/index.ts';
import { createLogger } from '../src/logger.ts';
import { ADMIN, slackHarness, visible } from '../src/slack/slack.test-kit.ts';
import { startFakeDiscordApi } from './fakes/discord-api.ts';
import { generateDiscordKeys, signDiscordRequest } from './fakes/discord-sign.ts';
import { blockActionBody } from './fakes/slack-sign.ts';
import { testConfig, testDbUrl } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';
import { barrierEnv } from './support/overlap.ts';

const COMP = 'UCOMPY1';
const DADMIN = '920000000000000001';
const [SLACK_CHANNEL, DISCORD_CHANNEL] = ['C77', '4300'];
const h = await slackHarness();
const discordApi = await startFakeDiscordApi();
afterAll(() => discordApi.close());
const keys = generateDiscordKeys();
const discordConfig = testConfig({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: '555000000000000077', DISCORD_API_URL: discordApi.url, DISCORD_ADMINS: DADMIN });
const log = createLogger('silent');
const discordApp = createApp({ store: h.store, config: discordConfig, clock: h.clock, log, mounts: [{ path: '/discord', app: discordRoutes({ store: h.store, identity: discordConfig.identity, clock: h.clock, log, discord: discordConfig.discord! }) }] });
const now = () => h.clock().getTime();
await grantRole(h.store.db, { platform: 'slack', subject: COMP, role: 'compliance', grantedBy: ADMIN, now: now() });
for (const [platform, target] of [['slack', `channel:${SLACK_CHANNEL}`], ['slack', `user:${COMP}`], ['discord', `channel:${DISCORD_CHANNEL}`], ['discord', `user:${DADMIN}`]] as const) {
  await subscribeAlerts(h.store, { platform, target, filter: 'all', minLevel: null, by: 'test', now: now() });
}

const deps = {
  store: h.store, clock: h.clock, log, random: () => 1, retry: { baseMs: 1000, maxBackoffMs: 60_000, giveUpAfterMs: 3_600_000, leaseMs: 30_000 },
  notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: h.api.url }), discord: discordNotifier({ token: 'bot-test', apiUrl: discordApi.url }) },
  render: deliveryRenderer(h.store.db, h.clock, alertDeliveryRenderer(h.store.db, { slack: [ADMIN], discord: [DADMIN] })),
};
const sweep = async () => ({ made: await fanOutAlerts(h.store, now()), ...(await processDueDeliveries(deps)) });

/** A fresh customer's first KYC record, sent out as four copies (two per platform); returns the alert and where each copy landed. */
async function sentAlert(name: string) {
  const email = `${uniq('cp')}@example.com`;
  await ingest(h.deps, [
    { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email }, traits: { name } },
    { type: 'kyc', id: uniq(), timestamp: new Date(now() - 60_000).toISOString(), identifiers: { email }, status: 'pending', risk_score: 80 },
  ]);
  const [alert] = await h.store.db.select().from(alerts).orderBy(alerts.id).then((r) => r.slice(-1));
  await sweep();
  const copies = await h.store.db.select().from(deliveries).where(and(eq(deliveries.kind, 'alert'), eq(deliveries.subject, String(alert!.id))));
  expect(copies.map((c) => c.status), 'four copies went out').toEqual(['sent', 'sent', 'sent', 'sent']);
  const ref = (platform: string, target: string) => copies.find((c) => c.platform === platform && c.target === target)!.messageRef!;
  return {
    alert: alert!, email,
    slackChannel: ref('slack', `channel:${SLACK_CHANNEL}`), slackDm: ref('slack', `user:${COMP}`),
    discordChannel: ref('discord', `channel:${DISCORD_CHANNEL}`), discordDm: ref('discord', `user:${DADMIN}`),
  };
}

/** Every edit each platform was asked for on one copy (`<channel>:<ts|id>`). */
const slackEdits = (ref: string) => h.api.callsTo('chat.update').filter((c) => `${c.body.channel}:${c.body.ts}` === ref);
const discordEdits = (ref: string) => {
  const [channel, id] = ref.split(':');
  return discordApi.callsTo(/^PATCH /).filter((c) => c.method.endsWith(`/channels/${channel}/messages/${id}`));
};
const edits = () => h.store.db.select().from(deliveries).where(eq(deliveries.kind, 'alert_edit')).orderBy(deliveries.id);

describe('every copy of an alert shows where it stands', () => {
  // Planted: reviewAlert without enqueueAlertEdits (the old behaviour): no edit rows, only the clicked
  // copy changes, and the counts below fail; the clicked copy not left out (shownIn ignored): the
  // Slack channel copy is edited twice and fails; the edit rendered as personal for every target:
  // the channel copies show the name and fail; Discord's PATCH without allowed_mentions: the fake refuses
  // it (USER360_NO_MENTIONS), the edit fails and so does the test.
  it('a Slack claim, a Discord snooze and a terminal resolve each edit every other copy once, on both platforms', async () => {
    const a = await sentAlert('Copy Person');
    const [slackTs] = a.slackChannel.split(':').slice(1);

    // Claim on the Slack channel copy: the click's answer replaces that one, the pipeline the other three.
    const responseUrl = h.api.responseUrl(`cp-${uniq()}`);
    const click = blockActionBody({
      user: { id: COMP, username: 'x', team_id: 'T1' }, channel: { id: SLACK_CHANNEL, name: 'alerts' },
      container: { type: 'message', message_ts: slackTs!, channel_id: SLACK_CHANNEL, is_ephemeral: false }, response_url: responseUrl,
      actions: [{ type: 'button', action_id: 'user360_claim', block_id: 'b', value: String(a.alert.id), action_ts: '1.2', text: { type: 'plain_text', text: 'Claim' } }],
    });
    expect((await h.post(click)).status).toBe(200);
    expect(visible(await h.responded(responseUrl))).toContain(`Claimed by <@${COMP}>`);
    expect((await edits()).map((e) => e.target).sort(), 'an edit for each copy but the clicked one').toEqual([`channel:${DISCORD_CHANNEL}`, `user:${COMP}`, `user:${DADMIN}`].sort());
    expect(await sweep()).toMatchObject({ sent: 3, retrying: 0, failed: 0 });
    expect(slackEdits(a.slackChannel), 'the clicked copy was answered by the click').toHaveLength(0);
    expect(slackEdits(a.slackDm)).toHaveLength(1);
    expect(visible(slackEdits(a.slackDm)[0]!.body)).toContain(`Claimed by <@${COMP}>`);
    expect(visible(slackEdits(a.slackDm)[0]!.body), 'a compliance DM shows the customer').toContain('Copy Person');
    for (const ref of [a.discordChannel, a.discordDm]) {
      expect(discordEdits(ref)).toHaveLength(1);
      expect(discordEdits(ref)[0]!.body).toMatchObject({ allowed_mentions: { parse: [] } });
      expect(JSON.stringify(discordEdits(ref)[0]!.body)).toContain(`Claimed by slack:${COMP}`);
      expect(JSON.stringify(discordEdits(ref)[0]!.body)).not.toContain('"custom_id":"u360:claim:');
    }
    expect(JSON.stringify(discordEdits(a.discordDm)[0]!.body), "an admin's DM shows the customer").toContain('Copy Person');
    for (const secret of ['Copy Person', a.email]) expect(JSON.stringify(discordEdits(a.discordChannel)[0]!.body), 'a channel copy carries no personal data').not.toContain(secret);
    expect(await sweep(), 'each copy once').toMatchObject({ made: 0, sent: 0 });

    // Snooze on the Discord channel copy, as Discord sends the click (the message it sits on included).
    const body = JSON.stringify({
      id: uniq('i'), type: 3, token: uniq('t'), channel_id: DISCORD_CHANNEL, guild_id: '7', member: { user: { id: DADMIN }, roles: [] },
      message: { id: a.discordChannel.split(':')[1], channel_id: DISCORD_CHANNEL }, data: { custom_id: `u360:snooze:1h:${a.alert.id}`, component_type: 2 },
    });
    const res = await discordApp.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(now() / 1000))) }, body });
    expect(((await res.json()) as { type: number }).type).toBe(7);
    expect(await sweep()).toMatchObject({ sent: 3 });
    expect(discordEdits(a.discordChannel), 'the clicked Discord copy was answered by the click').toHaveLength(1);
    for (const ref of [a.slackChannel, a.slackDm]) expect(visible(slackEdits(ref).at(-1)!.body)).toContain(`Snoozed by discord:${DADMIN} until`);
    expect(JSON.stringify(discordEdits(a.discordDm).at(-1)!.body)).toContain(`Snoozed by <@${DADMIN}> until`);
    for (const secret of ['Copy Person', a.email]) expect(visible(slackEdits(a.slackChannel)[0]!.body)).not.toContain(secret);

    // Resolve from the terminal while Slack is rate limited once: that copy's edit waits for Retry-After and goes again.
    h.api.failNext('chat.update', { status: 429, headers: { 'Retry-After': '7' } });
    const ctx = { ...h.deps, caller: { platform: 'cli' as const, userId: 'cli:ops', role: 'admin' as const } };
    expect(await alertAction({ alertId: a.alert.id, action: 'resolve', note: 'cleared <!here>' }, ctx)).toMatchObject({ kind: 'alert' });
    expect(await sweep()).toMatchObject({ sent: 3, retrying: 1 });
    const waiting = (await edits()).find((e) => e.status === 'pending')!;
    expect(waiting).toMatchObject({ platform: 'slack', lastError: 'slack rate limited' });
    expect(waiting.nextAttemptAt).toBeGreaterThanOrEqual(now() + 7000);
    h.clock.advance(7000);
    expect(await sweep()).toMatchObject({ sent: 1, retrying: 0 });
    for (const ref of [a.slackChannel, a.slackDm]) {
      const last = visible(slackEdits(ref).at(-1)!.body);
      expect(last).toContain('Resolved by cli:cli:ops');
      expect(last).toContain('&lt;!here&gt;');
      expect(last, 'a resolved alert has no buttons left but Open').not.toContain('user360_claim');
    }
    for (const ref of [a.discordChannel, a.discordDm]) expect(JSON.stringify(discordEdits(ref).at(-1)!.body)).toContain('Resolved by cli:cli:ops');
    // Per copy: one edit per change it did not show itself (claim, snooze, resolve); Slack's two copies
    // also share the one rate-limited try (whichever copy went first).
    expect(slackEdits(a.slackChannel).length + slackEdits(a.slackDm).length).toBe(2 + 3 + 1);
    expect([discordEdits(a.discordChannel).length, discordEdits(a.discordDm).length]).toEqual([2, 3]);
    expect(await sweep()).toMatchObject({ made: 0, sent: 0, retrying: 0 });
  });

  // Planted: a pending copy not yet tried given an edit too (the `waiting` filter dropped), and a
  // copy that failed for good given one (the `failed` filter dropped): one row more each, and fails.
  it('a copy still on its way gets no edit of its own, and is posted as the alert now stands; a failed copy gets none', async () => {
    h.api.failNext('chat.postMessage', { status: 500 });
    const email = `${uniq('cq')}@example.com`;
    await ingest(h.deps, [{ type: 'kyc', id: uniq(), timestamp: new Date(now() - 60_000).toISOString(), identifiers: { email }, status: 'pending', risk_score: 90 }]);
    const [alert] = await h.store.db.select().from(alerts).orderBy(alerts.id).then((r) => r.slice(-1));
    const before = (await edits()).length;
    expect(await sweep()).toMatchObject({ sent: 3, retrying: 1 });
    await h.store.write((tx) => tx.update(deliveries).set({ status: 'failed' }).where(and(eq(deliveries.kind, 'alert'), eq(deliveries.subject, String(alert!.id)), eq(deliveries.target, `user:${DADMIN}`))));
    const ctx = { ...h.deps, caller: { platform: 'cli' as const, userId: 'cli:ops', role: 'admin' as const } };
    await alertAction({ alertId: alert!.id, action: 'claim' }, ctx);
    const copies = await h.store.db.select().from(deliveries).where(and(eq(deliveries.kind, 'alert'), eq(deliveries.subject, String(alert!.id))));
    const retrying = copies.find((c) => c.status === 'pending')!;
    expect(retrying).toMatchObject({ platform: 'slack', messageRef: null });
    const sentSlack = copies.find((c) => c.platform === 'slack' && c.status === 'sent')!;
    const made = (await edits()).slice(before);
    expect(made.map((e) => `${e.platform} ${e.target}`).sort(), 'the retrying Slack copy and the failed Discord copy get none').toEqual([`discord channel:${DISCORD_CHANNEL}`, `slack ${sentSlack.target}`].sort());
    const posted = h.api.callsTo('chat.postMessage').length;
    h.clock.advance(60_000);
    await sweep();
    const late = h.api.callsTo('chat.postMessage').slice(posted);
    expect(late).toHaveLength(1);
    expect(visible(late[0]!.body), 'posted late, it shows the claim').toContain('Claimed by cli:cli:ops');
  });

  // Two service processes (the alert worker of test/support) send the queued edits at the same time,
  // each inside a barrier with the other. Planted: the edit's subject made unique per call (no shared
  // key per copy and change): the second queueing makes four rows and fails.
  it('two instances sending the edits at once edit each copy once', async () => {
    const a = await sentAlert('Twice Person');
    // The workers run on the wall clock; this file's clock has moved ahead of it, so the claim (and the
    // edit rows it makes) is dated a minute before the wall clock, due at once for both.
    const ctx = { ...h.deps, clock: () => new Date(Date.now() - 60_000), caller: { platform: 'cli' as const, userId: 'cli:ops', role: 'admin' as const } };
    await alertAction({ alertId: a.alert.id, action: 'claim' }, ctx);
    // Another instance queueing the same change again makes nothing: the key (copy, change) is taken.
    expect(await h.store.write((tx) => enqueueAlertEdits(tx, a.alert.id, 'claim', Date.now()))).toBe(0);
    const barrier = mkdtempSync(join(tmpdir(), 'user360-barrier-'));
    const env = { ...process.env, SLACK_API_URL: h.api.url, DISCORD_API_URL: discordApi.url };
    const worker = (me: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', 'test/support/alert-worker.ts', testDbUrl(h.store)], { env: { ...env, ...barrierEnv(barrier, me, ['a', 'b']) } }, (err, out, errOut) => (err ? reject(new Error(errOut)) : resolve(out))),
      );
    const outputs = (await Promise.all([worker('a'), worker('b')])).map((o) => JSON.parse(o) as { sent: number; overlapped: boolean });
    expect(outputs.map((o) => o.overlapped), 'each process was inside while the other was').toEqual([true, true]);
    expect(outputs[0]!.sent + outputs[1]!.sent).toBe(4);
    for (const ref of [a.slackChannel, a.slackDm]) expect(slackEdits(ref)).toHaveLength(1);
    for (const ref of [a.discordChannel, a.discordDm]) expect(discordEdits(ref)).toHaveLength(1);
  }, 90_000);
});
