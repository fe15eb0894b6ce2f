// Alert deliveries at their edges: a sender that died mid-send, retries running out, a Retry-After
// longer than the backoff (Slack and Discord), and the role checked when a DM is rendered.
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { deliveries } from '../db/schema/index.ts';
import { grantRole, revokeRole } from '../src/access/roles.ts';
import { fanOutAlerts } from '../src/compliance/alert-fanout.ts';
import { alertDeliveryRenderer } from '../src/compliance/alert-delivery.ts';
import { subscribeAlerts } from '../src/compliance/alert-subscriptions.ts';
import { failedDeliveries, processDueDeliveries, type DeliveryDeps } from '../src/delivery/deliveries.ts';
import { deliveryRenderer } from '../src/delivery/render.ts';
import { createLogger } from '../src/logger.ts';
import { discordNotifier } from '../src/delivery/notifiers/discord.ts';
import { slackNotifier } from '../src/delivery/notifiers/slack.ts';
import { useFakeChatApis } from './fakes/chat-apis.ts';
import { createTestStore, settableClock, testConfig, testDbUrl } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const run = promisify(execFile);
const { slack, discord } = await useFakeChatApis({ resetEach: true });

const policy = { baseMs: 1000, maxBackoffMs: 60_000, giveUpAfterMs: 3_600_000, leaseMs: 30_000 };

/** A fresh database with one alert subscriber; `alert()` makes one KYC alert with personal data in it. */
async function setup(sub: { platform: 'slack' | 'discord'; target: string }, start = Date.now()) {
  const store = await createTestStore();
  const clock = settableClock(start);
  const ingestDeps = { store, identity: testConfig().identity, clock };
  const deps = (over: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
    store, clock, log: createLogger('silent'), random: () => 1, retry: policy,
    notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: slack.url }), discord: discordNotifier({ token: 'bot', apiUrl: discord.url }) },
    render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, {})),
    ...over,
  });
  await subscribeAlerts(store, { ...sub, filter: 'all', minLevel: null, by: 'U1', now: clock().getTime() });
  const alert = async () => {
    const email = `${uniq('dl')}@example.com`;
    await ingest(ingestDeps, [
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email }, traits: { name: 'Delivery Person' } },
      { type: 'kyc', id: uniq('k'), timestamp: new Date(clock().getTime()).toISOString(), identifiers: { email }, status: 'rejected', risk_score: 90 },
    ]);
    expect(await fanOutAlerts(store, clock().getTime())).toBeGreaterThanOrEqual(1);
    return email;
  };
  const rows = () => store.db.select().from(deliveries).orderBy(deliveries.id);
  // The URL another process opens to reach this database: a file, or the sqld of the sqld project.
  const url = async () => testDbUrl(store);
  return { store, clock, deps, alert, rows, url };
}

describe('alert deliveries', () => {
  // Planted: the claim's `(lease_until IS NULL OR lease_until < now)` dropped (the row is taken while the
  // dead sender's lease holds) and reduced to `lease_until IS NULL` (a lease never expires): each fails.
  it('leaves the lease of a sender that died mid-send, and another instance sends it after the lease, not before', async () => {
    const s = await setup({ platform: 'slack', target: 'channel:C77' });
    await s.alert();
    slack.answer('chat.postMessage', () => new Promise(() => undefined)); // the send never returns
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/send-once.ts', await s.url()], { env: { ...process.env, SLACK_API_URL: slack.url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const exited = new Promise((r) => child.once('exit', r));
    await Promise.race([slack.waitFor('chat.postMessage', 1, 40_000), exited.then(() => Promise.reject(new Error(`the sender exited before sending: ${out}`)))]);
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    const [left] = await s.rows();
    expect(left).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
    expect(left!.leaseUntil).toBeGreaterThan(Date.now());

    slack.reset();
    s.clock.set(Date.now());
    expect(await processDueDeliveries(s.deps()), 'the lease still holds').toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    s.clock.set(left!.leaseUntil! + 1);
    expect(await processDueDeliveries(s.deps())).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect((await s.rows())[0]).toMatchObject({ status: 'sent', attempts: 2, leaseUntil: null });
  }, 60_000);

  // Planted: attempt()'s give-up condition (`now - d.createdAt >= giveUpAfterMs`) disabled (the row stays
  // pending for ever) and made `>` (not given up at exactly the limit); failedDeliveries filtering on
  // 'pending' (the CLI lists nothing): each fails.
  it('gives a delivery up when its retries run out, and `alerts failed` lists it with the last error', async () => {
    const s = await setup({ platform: 'slack', target: 'channel:C78' });
    await s.alert();
    const [row] = await s.rows();
    slack.setDown(true);
    expect(await processDueDeliveries(s.deps())).toEqual({ sent: 0, retrying: 1, failed: 0 });
    s.clock.set(row!.createdAt + policy.giveUpAfterMs - 1);
    expect(await processDueDeliveries(s.deps()), 'one millisecond before the limit it is still retried').toEqual({ sent: 0, retrying: 1, failed: 0 });
    s.clock.set(row!.createdAt + policy.giveUpAfterMs + policy.maxBackoffMs);
    expect(await processDueDeliveries(s.deps())).toEqual({ sent: 0, retrying: 0, failed: 1 });
    const [failed] = await s.rows();
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, leaseUntil: null });
    expect(failed!.lastError).toMatch(/^slack request failed/);
    s.clock.advance(3_600_000);
    const tries = slack.dropped.length;
    expect(await processDueDeliveries(s.deps()), 'a given-up delivery is not tried again').toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(slack.dropped.length).toBe(tries);
    expect((await failedDeliveries(s.store.db, 'alert')).map((d) => d.id)).toEqual([failed!.id]);

    const cli = await run(process.execPath, ['bin/user360.js', 'alerts', 'failed'], { env: { ...process.env, DATABASE_URL: await s.url(), LOG_LEVEL: 'silent' } });
    expect(cli.stdout).toContain(`alert #${failed!.subject} -> slack channel:C78  3 attempt(s)`);
    expect(cli.stdout).toContain(failed!.lastError!);
  }, 60_000);

  // Planted: attempt() waiting only the backoff (`Math.max(retryAfterMs, backoff)` → `backoff`): the
  // Slack case posts again at 60 s; the Discord notifier mapping every 429 to 1 s: the Discord case fails.
  it('waits out a Slack Retry-After of 120 s although the backoff is 1 s', async () => {
    const s = await setup({ platform: 'slack', target: 'channel:C79' });
    await s.alert();
    slack.failNext('chat.postMessage', { status: 429, headers: { 'Retry-After': '120' } });
    const t0 = s.clock().getTime();
    expect(await processDueDeliveries(s.deps())).toMatchObject({ retrying: 1 });
    expect((await s.rows())[0]!.nextAttemptAt).toBe(t0 + 120_000);
    s.clock.set(t0 + 119_999);
    expect(await processDueDeliveries(s.deps())).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    s.clock.set(t0 + 120_000);
    expect(await processDueDeliveries(s.deps())).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('waits out a Discord retry_after of 120 s although the backoff is 1 s, without sleeping in the process', async () => {
    const s = await setup({ platform: 'discord', target: 'channel:900' });
    await s.alert();
    discord.failNext('POST /api/v10/channels/900/messages', { status: 429, body: { retry_after: 120 } });
    const t0 = s.clock().getTime();
    expect(await processDueDeliveries(s.deps())).toMatchObject({ retrying: 1 });
    const next = (await s.rows())[0]!.nextAttemptAt;
    expect(next).toBeGreaterThanOrEqual(t0 + 120_000);
    s.clock.set(next - 1);
    expect(await processDueDeliveries(s.deps())).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(discord.callsTo('POST /api/v10/channels/900/messages')).toHaveLength(1);
    // Another instance (or this one after the wait): a REST client that has not seen the 429.
    s.clock.set(next);
    expect(await processDueDeliveries(s.deps())).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(discord.callsTo('POST /api/v10/channels/900/messages')).toHaveLength(2);
  });

  // Planted: alertDeliveryRenderer skipping the role check (every DM gets customerBrief): the demoted
  // subscriber's DM carries the name and email and this fails.
  it('checks the role when a DM is rendered: a subscriber demoted after subscribing gets no personal data', async () => {
    const s = await setup({ platform: 'slack', target: 'user:UDEMOTED' });
    const now = s.clock().getTime();
    for (const u of ['UDEMOTED', 'UKEPT']) await grantRole(s.store.db, { platform: 'slack', subject: u, role: 'compliance', grantedBy: 'UADMIN', now });
    await subscribeAlerts(s.store, { platform: 'slack', target: 'user:UKEPT', filter: 'all', minLevel: null, by: 'UKEPT', now });
    await revokeRole(s.store.db, { platform: 'slack', subject: 'UDEMOTED' });
    const email = await s.alert();
    expect(await processDueDeliveries(s.deps())).toMatchObject({ sent: 2 });
    const dm = (user: string) => JSON.stringify(slack.callsTo('chat.postMessage').find((p) => p.body.channel === `D${user}`)?.body);
    expect(dm('UKEPT')).toContain('Delivery Person');
    expect(dm('UKEPT')).toContain(email);
    const demoted = dm('UDEMOTED');
    expect(demoted).toContain('rejected');
    for (const secret of ['Delivery Person', email, email.split('@')[0]!]) expect(demoted).not.toContain(secret);
  });
});
