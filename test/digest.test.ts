import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { deliveries } from '../db/schema/index.ts';
import { processDueDeliveries } from '../src/delivery/deliveries.ts';
import { deliveryRenderer } from '../src/delivery/render.ts';
import { alertDeliveryRenderer } from '../src/compliance/alert-delivery.ts';
import { volumeChartPng } from '../src/digest/chart.ts';
import { catchUpDigests, runDailyDigest } from '../src/digest/job.ts';
import { buildDigest } from '../src/digest/model.ts';
import { dailyRunPassed, scheduleDigest } from '../src/digest/schedule.ts';
import { subscribeDigest } from '../src/digest/subscriptions.ts';
import { createLogger } from '../src/logger.ts';
import { discordNotifier } from '../src/delivery/notifiers/discord.ts';
import { slackNotifier } from '../src/delivery/notifiers/slack.ts';
import { useFakeChatApis } from './fakes/chat-apis.ts';
import { createTestStore, settableClock, testConfig, testDbUrl } from './support/db.ts';
import { ingest, randomEvm, uniq } from './support/factories.ts';
import { barrierEnv } from './support/overlap.ts';

const run = promisify(execFile);
const { slack, discord } = await useFakeChatApis({ resetEach: true });

async function setup() {
  const store = await createTestStore();
  const config = testConfig();
  const clock = settableClock('2026-11-24T23:59:00+08:00');
  const deps = {
    store, clock, log: createLogger('silent'),
    notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: slack.url }), discord: discordNotifier({ token: 'bot', apiUrl: discord.url }) },
    render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, {})),
    retry: { baseMs: 1000, maxBackoffMs: 60_000, giveUpAfterMs: 3_600_000, leaseMs: 30_000 },
    random: () => 1,
  };
  return { store, config, clock, deps, ingestDeps: { store, identity: config.identity, clock } };
}

const tx = (ts: string, ext: string, usdt: string, chain = 'tron', token = 'USDT') => ({
  type: 'transaction', id: uniq('t'), timestamp: ts, identifiers: { external_id: ext }, chain, token, amount: usdt, usdt_value: usdt, direction: 'in',
});

describe('the daily digest', () => {
  it('has every figure of SPEC §4 right, with GMT+8 day edges and change figures', async () => {
    const { store, clock, ingestDeps } = await setup();
    const [a, b, c] = [uniq('a'), uniq('b'), uniq('c')];
    clock.set('2026-11-24T09:00:00+08:00');
    await ingest(ingestDeps, [
      ...[a, b, c].map((ext) => ({ type: 'identify', id: uniq(), timestamp: '2026-11-24T09:00:00+08:00', identifiers: { external_id: ext, wallets: [{ chain: 'ethereum', address: randomEvm() }] } })),
      { type: 'kyc', id: uniq(), timestamp: '2026-11-24T10:00:00+08:00', identifiers: { external_id: a }, status: 'pending', risk_score: 10 },
      { type: 'kyc', id: uniq(), timestamp: '2026-11-24T11:00:00+08:00', identifiers: { external_id: a }, status: 'verified', risk_score: 80 },
      { type: 'kyc', id: uniq(), timestamp: '2026-11-24T11:00:00+08:00', identifiers: { external_id: b }, status: 'rejected', risk_score: 100 },
      { type: 'kyc', id: uniq(), timestamp: '2026-11-24T12:00:00+08:00', identifiers: { external_id: c }, status: 'pending', risk_score: 60 },
      tx('2026-11-24T23:59:59+08:00', a, '100', 'ethereum', 'USDC'),
      tx('2026-11-24T00:00:00+08:00', b, '300'),
      tx('2026-11-25T00:00:00+08:00', a, '5000'), // next day
      tx('2026-11-23T23:59:59+08:00', a, '200'), // the day before
      ...[17, 18, 19, 20, 21, 22].map((d) => tx(`2026-11-${d}T12:00:00+08:00`, c, '70')),
    ]);
    const d = await buildDigest(store.db, '2026-11-24', Date.parse('2026-11-24T23:59:00+08:00'));
    // New on the 24th is b alone: a's first record is the 23rd's transaction, c's the 17th's.
    expect(d.customers.new).toBe(1);
    expect(d.kyc).toEqual({ submitted: 2, verified: 1, rejected: 1, pending_queue: 1 });
    expect(d.risk).toEqual({ by_level: { low: 0, low_medium: 0, medium: 1, high: 1, very_high: 1 }, new_high: 1, new_very_high: 1 });
    expect(d.transactions).toMatchObject({ count: 2, value_usdt: 400 });
    expect(d.transactions.vs_previous_day).toEqual({ base: 200, delta: 200, percent: 100 });
    // 7 days before the 24th: 17th–23rd hold 6×70 + 200 = 620 → average 88.57
    expect(d.transactions.vs_7day_average).toEqual({ base: 88.57, delta: 311.43, percent: 351.62 });
    expect(d.transactions.by_token).toEqual([{ token: 'USDT', count: 1, value_usdt: 300 }, { token: 'USDC', count: 1, value_usdt: 100 }]);
    expect(d.transactions.by_chain).toEqual([{ chain: 'tron', count: 1, value_usdt: 300 }, { chain: 'ethereum', count: 1, value_usdt: 100 }]);
    expect(d.top_customers.map((t) => t.value_usdt)).toEqual([300, 100]);
    expect(d.series).toHaveLength(30);
    expect(d.series.at(-1)).toEqual({ day: '2026-11-24', value_usdt: 400 });
    expect(d.series.find((s) => s.day === '2026-11-23')?.value_usdt).toBe(200);

    // After the nightly run the same figures come from the rollup, and agree.
    clock.set('2026-11-25T00:10:00+08:00');
    await runDailyDigest({ store, clock, log: createLogger('silent'), notifiers: {}, render: async () => null }, clock().getTime());
    const again = await buildDigest(store.db, '2026-11-24', clock().getTime());
    expect(again.transactions).toEqual(d.transactions);
    expect(again.kyc).toEqual(d.kyc);
  });

  it('is scheduled by node-cron for 23:59 in Asia/Taipei, which is 15:59 UTC', () => {
    const task = scheduleDigest(testConfig().digest, async () => undefined, createLogger('silent'));
    // The next 15:59:00.000 UTC after now, exactly (the old "after now" check held for any schedule).
    // Planted: DIGEST_CRON default '59 23' → '58 23': fails.
    const next = task.getNextRun()!;
    const now = new Date();
    let expected = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 15, 59);
    if (expected <= now.getTime()) expected += 24 * 3600_000;
    expect(next.toISOString()).toBe(new Date(expected).toISOString());
    task.destroy();
    // A process starting at 23:59:30 Taipei time has missed that tick; one at 23:58 has not.
    expect(dailyRunPassed('59 23 * * *', 'Asia/Taipei', Date.parse('2026-11-24T23:59:30+08:00'))).toBe(true);
    expect(dailyRunPassed('59 23 * * *', 'Asia/Taipei', Date.parse('2026-11-24T23:58:00+08:00'))).toBe(false);
  });

  it('renders the 30-day chart as a real PNG', async () => {
    const png = await volumeChartPng(Array.from({ length: 30 }, (_, i) => ({ day: `2026-10-${String(i + 1).padStart(2, '0')}`, value_usdt: (i + 1) * 1000 })), 'test');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(1200); // IHDR width
    expect(png.length).toBeGreaterThan(5_000);
    mkdirSync('test-output', { recursive: true });
    writeFileSync('test-output/digest-chart.png', png);
  });

  it('is sent exactly once per channel when two service processes run it at 23:59', async () => {
    const { store, deps } = await setup();
    const now = Date.parse('2026-11-24T23:59:00+08:00');
    await subscribeDigest(store, { platform: 'slack', channelId: 'C1', by: 'U1', now: now - 3600_000 });
    await subscribeDigest(store, { platform: 'slack', channelId: 'C2', by: 'U1', now: now - 3600_000 });
    await subscribeDigest(store, { platform: 'discord', channelId: '900', by: 'U1', now: now - 3600_000 });
    void deps;
    // Both wait on a barrier and each reports that the other was inside the job with it: "exactly once"
    // is only shown when the two really ran at once (planted: the second spawned after the first ended).
    const barrier = mkdtempSync(join(tmpdir(), 'user360-barrier-'));
    const env = (me: string) => ({ ...process.env, SLACK_API_URL: slack.url, DISCORD_API_URL: discord.url, ...barrierEnv(barrier, me, ['a', 'b']) });
    const worker = (me: string) => run(process.execPath, ['--import', 'tsx', 'test/support/digest-worker.ts', testDbUrl(store), '2026-11-24T23:59:00+08:00'], { env: env(me) });
    const results = (await Promise.all([worker('a'), worker('b')])).map((r) => JSON.parse(r.stdout));
    expect(results.map((r) => r.overlapped), 'each process was inside while the other was').toEqual([true, true]);
    const made = results.map((r) => r.enqueued as number);
    expect(made.reduce((s, n) => s + n, 0), JSON.stringify(made)).toBe(3);
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((p) => p.body.channel).sort()).toEqual(['C1', 'C2']);
    expect(slack.callsTo('upload')).toHaveLength(2);
    expect(discord.callsTo('POST /api/v10/channels/900/messages')).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.body)).toContain('2026-11-24');
  }, 90_000);

  it('survives a Slack API answering 500 and then 429 with Retry-After, delivering once', async () => {
    const { store, clock, deps } = await setup();
    await subscribeDigest(store, { platform: 'slack', channelId: 'C9', by: 'U1', now: clock().getTime() - 1000 });
    slack.failNext('chat.postMessage', { status: 500 }, { status: 429, headers: { 'Retry-After': '30' } });
    const first = await runDailyDigest(deps, clock().getTime());
    expect(first).toMatchObject({ enqueued: 1, retrying: 1 });
    clock.advance(1000);
    expect(await processDueDeliveries(deps)).toMatchObject({ retrying: 1 }); // the 429
    clock.advance(10_000);
    expect(await processDueDeliveries(deps), 'Retry-After 30 s is honoured').toMatchObject({ sent: 0, retrying: 0 });
    clock.advance(21_000);
    expect(await processDueDeliveries(deps)).toMatchObject({ sent: 1 });
    clock.advance(60_000);
    expect(await processDueDeliveries(deps)).toMatchObject({ sent: 0 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
    const [row] = await store.db.select().from(deliveries).where(eq(deliveries.target, 'channel:C9'));
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    expect(slack.callsTo('upload')).toHaveLength(1);
  });

  it('sends a digest missed while the service was down once at start-up, with its own date; a new channel gets no back-catalogue', async () => {
    const { store, clock, deps, ingestDeps } = await setup();
    await ingest(ingestDeps, [tx('2026-11-23T10:00:00+08:00', uniq('m'), '42')]);
    await subscribeDigest(store, { platform: 'discord', channelId: '700', by: 'U1', now: Date.parse('2026-11-22T12:00:00+08:00') });
    clock.set('2026-11-22T23:59:00+08:00');
    await runDailyDigest(deps, clock().getTime());
    expect(discord.calls).toHaveLength(1);
    // Down from the 23rd morning until the 25th 09:00: the 23rd and 24th were missed.
    clock.set('2026-11-25T09:00:00+08:00');
    await subscribeDigest(store, { platform: 'discord', channelId: '701', by: 'U1', now: clock().getTime() });
    const r = await catchUpDigests(deps, clock().getTime());
    expect(r).toMatchObject({ enqueued: 2, sent: 2 });
    const posted = discord.callsTo('POST /api/v10/channels/').map((c) => JSON.stringify(c.body));
    expect(posted).toHaveLength(3);
    expect(posted[1]).toContain('2026-11-23');
    expect(posted[1]).toContain('42.00 USDT');
    expect(posted[2]).toContain('2026-11-24');
    expect(discord.callsTo('POST /api/v10/channels/701')).toHaveLength(0);
    expect(await catchUpDigests(deps, clock().getTime())).toMatchObject({ enqueued: 0 });
  });
});
