import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createStore } from '../db/client.ts';
import { testDbUrl } from './support/db.ts';
import { alerts, alertSubscriptions, deliveries, digestSubscriptions } from '../db/schema/index.ts';
import { grantRole } from '../src/access/roles.ts';
import { fanOutAlerts } from '../src/compliance/alert-fanout.ts';
import { alertDeliveryRenderer } from '../src/compliance/alert-delivery.ts';
import { processDueDeliveries, type DeliveryDeps } from '../src/delivery/deliveries.ts';
import { deliveryRenderer } from '../src/delivery/render.ts';
import { createLogger } from '../src/logger.ts';
import { slackNotifier } from '../src/delivery/notifiers/slack.ts';
import { ADMIN, slackHarness, visible } from '../src/slack/slack.test-kit.ts';
import { blockActionBody } from './fakes/slack-sign.ts';
import { ingest, uniq } from './support/factories.ts';
import { barrierEnv } from './support/overlap.ts';

const COMP = 'UCOMP1';
const VIEW = 'UVIEW1';
const h = await slackHarness();
await grantRole(h.store.db, { platform: 'slack', subject: COMP, role: 'compliance', grantedBy: ADMIN, now: h.clock().getTime() });
const fast = { baseMs: 1000, maxBackoffMs: 60_000, giveUpAfterMs: 3_600_000, leaseMs: 30_000 };
const deliveryDeps = (store = h.store): DeliveryDeps => ({
  store, clock: h.clock, log: createLogger('silent'), random: () => 1, retry: fast,
  notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: h.api.url }) },
  render: deliveryRenderer(store.db, h.clock, alertDeliveryRenderer(store.db, { slack: [ADMIN] })),
});
const deliver = async (store = h.store) => {
  await fanOutAlerts(store, h.clock().getTime());
  return processDueDeliveries(deliveryDeps(store));
};
const kyc = (email: string, status: string, risk_score: number, extra: Record<string, unknown> = {}) => ({
  type: 'kyc', id: uniq('k'), timestamp: new Date(h.clock().getTime()).toISOString(), identifiers: { email }, status, risk_score, ...extra,
});
const say = async (text: string, user: string, channel = 'C1') => visible(await (await h.command(text, user, { channel_id: channel }).res).json());
const person = async () => {
  const email = `${uniq('al')}@example.com`;
  await ingest(h.deps, [{ type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email }, traits: { name: 'Alert Person' } }]);
  return email;
};
const alertRows = async () => h.store.db.select().from(alerts).orderBy(alerts.id);
const posts = () => h.api.callsTo('chat.postMessage');

describe('compliance alerts', () => {
  it('makes one alert per status change or level crossing, none inside a level or for a replayed record', async () => {
    const email = await person();
    const before = (await alertRows()).length;
    const first = kyc(email, 'pending', 10);
    await ingest(h.deps, [first]);
    await ingest(h.deps, [kyc(email, 'pending', 20)]); // still low
    await ingest(h.deps, [first]); // replay
    await ingest(h.deps, [kyc(email, 'pending', 30)]); // low → low_medium
    await ingest(h.deps, [kyc(email, 'verified', 30)]); // status only
    await ingest(h.deps, [kyc(email, 'rejected', 100, { reason: 'sanctions hit' })]); // both at once
    const made = (await alertRows()).slice(before);
    expect(made.map((a) => [a.kind, a.fromStatus, a.toStatus, a.fromLevel, a.toLevel])).toEqual([
      ['kyc_risk', 'unverified', 'pending', null, 'low'],
      ['risk', null, 'pending', 'low', 'low_medium'],
      ['kyc', 'pending', 'verified', 'low_medium', 'low_medium'],
      ['kyc_risk', 'verified', 'rejected', 'low_medium', 'very_high'],
    ]);
    expect(made.at(-1)).toMatchObject({ riskScore: 100, reason: 'sanctions hit' });
  });

  it('lets only compliance and admin subscribe', async () => {
    const refused = await say('alerts subscribe all', VIEW);
    expect(refused).toContain('Only compliance and admin roles can subscribe');
    const rows = await h.store.db.select().from(alertSubscriptions).where(eq(alertSubscriptions.target, `user:${VIEW}`));
    expect(rows).toEqual([]);
  });

  it('delivers by DM with personal data to a compliance subscriber, honouring the minimum level', async () => {
    expect(await say('alerts subscribe risk high', COMP)).toContain('Compliance alerts will go to your direct messages');
    await deliver(); // anything older goes out first
    h.api.reset();
    const email = await person();
    await ingest(h.deps, [kyc(email, 'pending', 60)]); // into medium: below the subscriber's minimum
    await ingest(h.deps, [kyc(email, 'pending', 80)]); // into high
    expect(await deliver()).toMatchObject({ sent: 1, failed: 0 });
    const [dm] = posts();
    expect(h.api.callsTo('conversations.open')[0]!.body.users).toBe(COMP);
    const text = visible(dm!.body);
    expect(text).toContain('🔴 high');
    expect(text).not.toContain('🟠 medium (score 60)');
    expect(text).toContain('Alert Person');
    expect(text).toContain(email);
    expect(text).toContain('GMT+8');
  });

  it('posts channel alerts without personal data, and Acknowledge updates the message and is stored', async () => {
    expect(await say('alerts subscribe all <#C77|compliance-ops>', ADMIN)).toContain('Compliance alerts will go to <#C77>');
    await deliver();
    h.api.reset();
    const email = await person();
    await ingest(h.deps, [kyc(email, 'pending', 5, { document_id: 'A123456789' })]);
    await deliver();
    const post = posts().find((p) => p.body.channel === 'C77')!;
    const text = visible(post.body);
    const [alert] = (await alertRows()).slice(-1);
    expect(text).toContain(alert!.unifiedId);
    for (const secret of ['Alert Person', email, 'A123456789']) expect(text).not.toContain(secret);

    const click = (user: string) => {
      const responseUrl = h.api.responseUrl(`ack-${uniq()}`);
      const body = blockActionBody({
        user: { id: user, username: 'x', team_id: 'T1' }, channel: { id: 'C77', name: 'compliance-ops' },
        container: { type: 'message', message_ts: '1.1', channel_id: 'C77', is_ephemeral: false }, response_url: responseUrl,
        actions: [{ type: 'button', action_id: 'user360_ack', block_id: 'b', value: String(alert!.id), action_ts: '1.2', text: { type: 'plain_text', text: 'Acknowledge' } }],
      });
      return { responseUrl, res: h.post(body) };
    };
    const byViewer = click(VIEW);
    expect((await byViewer.res).status).toBe(200);
    expect(visible(await h.responded(byViewer.responseUrl))).toContain('Only compliance and admin roles can acknowledge');
    expect((await h.store.db.select().from(alerts).where(eq(alerts.id, alert!.id)))[0]!.acknowledgedBy).toBeNull();

    const byComp = click(COMP);
    await byComp.res;
    const updated = await h.responded(byComp.responseUrl);
    expect(updated.replace_original).toBe(true);
    expect(visible(updated)).toContain(`Acknowledged by <@${COMP}>`);
    expect(visible(updated)).not.toContain('user360_ack');
    const [row] = await h.store.db.select().from(alerts).where(eq(alerts.id, alert!.id));
    expect(row).toMatchObject({ acknowledgedBy: `slack:${COMP}` });
  });

  // The alert's Open profile button acts with the role of whoever clicks it, not the subscriber's or
  // the channel's. Planted: the handler resolving the caller from the first admin, and forcing viewer:
  // each fails one half.
  it("opens the profile from an alert with the clicking user's role", async () => {
    const email = await person();
    const [uid] = (await ingest(h.deps, [kyc(email, 'pending', 5, { document_id: 'B987654321' })])).unifiedIds;
    const open = async (user: string) => {
      const responseUrl = h.api.responseUrl(`open-${uniq()}`);
      const body = blockActionBody({
        user: { id: user, username: 'x', team_id: 'T1' }, channel: { id: 'C77', name: 'compliance-ops' },
        container: { type: 'message', message_ts: '1.1', channel_id: 'C77', is_ephemeral: false }, response_url: responseUrl,
        actions: [{ type: 'button', action_id: 'user360_open', block_id: 'b', value: uid!, action_ts: '1.2', text: { type: 'plain_text', text: 'Open profile' } }],
      });
      expect((await h.post(body)).status).toBe(200);
      return visible(await h.responded(responseUrl));
    };
    const masked = await open(VIEW);
    expect(masked).toContain(uid);
    for (const secret of ['Alert Person', email, email.split('@')[0]!, 'B987654321']) expect(masked).not.toContain(secret);
    expect(masked).toContain('******4321');
    const whole = await open(COMP);
    for (const shown of ['Alert Person', email, 'B987654321']) expect(whole).toContain(shown);
  });

  it('survives 429 with Retry-After three times, then delivers each alert once', async () => {
    await deliver();
    h.api.reset();
    const [a, b] = [await person(), await person()];
    const [{ last }] = (await h.store.db.all<{ last: number }>(sql`SELECT coalesce(max(id), 0) AS last FROM deliveries`)) as [{ last: number }];
    await ingest(h.deps, [kyc(a, 'pending', 10), kyc(b, 'pending', 10)]);
    h.api.failNext('chat.postMessage', ...Array.from({ length: 3 }, () => ({ status: 429, headers: { 'Retry-After': '1' } })));
    for (let i = 0; i < 8; i++) {
      await deliver();
      h.clock.advance(1100);
    }
    // Five posts reached the fake: three refused with 429, two accepted. The accepted ones are counted
    // apart from the refused (the old check counted all five as "ok"): each alert's row is sent once,
    // with its own message, after 2 and 3 attempts (A: 429, 429, ok; B: 429, ok).
    // Planted: the Slack notifier making a 429 a permanent failure: fails here.
    expect(posts().filter((p) => p.body.channel === 'C77')).toHaveLength(5);
    const sent = await h.store.db.all<{ attempts: number; message_ref: string }>(
      sql`SELECT attempts, message_ref FROM deliveries WHERE kind = 'alert' AND status = 'sent' AND target = 'channel:C77' AND id > ${last}`,
    );
    expect(sent.map((r) => Number(r.attempts)).sort()).toEqual([2, 3]);
    expect(new Set(sent.map((r) => r.message_ref)).size).toBe(2);
    const pending = await h.store.db.select().from(deliveries).where(eq(deliveries.status, 'pending'));
    expect(pending).toEqual([]);
  });

  it('keeps alerts through an outage and a restart, and sends each once', async () => {
    await deliver();
    h.api.reset();
    const [a, b] = [await person(), await person()];
    h.api.setDown(true);
    await ingest(h.deps, [kyc(a, 'verified', 40)]);
    await deliver();
    await ingest(h.deps, [kyc(b, 'rejected', 90)]);
    await deliver();
    expect(posts()).toHaveLength(0);
    // "Restart": a new connection to the same database, new notifiers, nothing carried over in memory.
    const restarted = await createStore(testDbUrl(h.store));
    h.api.setDown(false);
    for (let i = 0; i < 12; i++) {
      h.clock.advance(5_000);
      await deliver(restarted);
    }
    const got = posts().filter((p) => p.body.channel === 'C77').map((p) => visible(p.body));
    expect(got).toHaveLength(2);
    expect(got.some((t) => t.includes('🟢 verified'))).toBe(true);
    expect(got.some((t) => t.includes('🔴 rejected'))).toBe(true);
    restarted.close();
  });

  it('makes an alert when a merge brings together two different KYC states', async () => {
    const [a, b] = [await person(), await person()];
    await ingest(h.deps, [kyc(a, 'verified', 10)]);
    h.clock.advance(1000);
    await ingest(h.deps, [kyc(b, 'rejected', 90)]);
    const before = (await alertRows()).length;
    await ingest(h.deps, [{ type: 'identify', id: uniq(), timestamp: new Date(h.clock().getTime()).toISOString(), identifiers: { email: [a, b] } }]);
    const [merge] = (await alertRows()).slice(before);
    expect(merge).toMatchObject({ kind: 'merge', toStatus: 'rejected', toLevel: 'high' });
  });

  it('with two service processes on one database, delivers each alert to each subscriber once', async () => {
    await deliver();
    h.api.reset();
    const people = await Promise.all(Array.from({ length: 6 }, () => person()));
    await ingest(h.deps, people.map((p, i) => kyc(p, 'pending', 20 + i * 15)));
    // Both wait on a barrier and each reports that the other was inside fan-out and delivery with it
    // (planted: the second spawned after the first ended: this fails).
    const barrier = mkdtempSync(join(tmpdir(), 'user360-barrier-'));
    const worker = (me: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', 'test/support/alert-worker.ts', testDbUrl(h.store)], { env: { ...process.env, SLACK_API_URL: h.api.url, ...barrierEnv(barrier, me, ['a', 'b']) } }, (err, out, errOut) => (err ? reject(new Error(errOut)) : resolve(out))),
      );
    const outputs = (await Promise.all([worker('a'), worker('b')])).map((o) => JSON.parse(o) as { sent: number; overlapped: boolean });
    expect(outputs.map((o) => o.overlapped), 'each process was inside while the other was').toEqual([true, true]);
    const results = outputs.map((o) => o.sent);
    const subscribers = await h.store.db.select().from(alertSubscriptions);
    expect(subscribers.length).toBe(2);
    // C77 follows everything (6 alerts); the compliance DM follows risk moves into high or above (2 of them).
    expect(results.reduce((s, n) => s + n, 0), JSON.stringify(results)).toBe(8);
    const channelPosts = posts().filter((p) => p.body.channel === 'C77').map((p) => visible(p.body));
    expect(channelPosts).toHaveLength(6);
    expect(new Set(channelPosts).size).toBe(6);
  }, 90_000);

  it('subscribes a Slack channel to the digest for compliance and admin only, and previews it for anyone', async () => {
    expect(await say('digest subscribe', VIEW, 'C5')).toContain('Only compliance and admin roles');
    expect(await say('digest subscribe', COMP, 'C5')).toContain('This channel will get the daily digest at 23:59 GMT+8');
    expect(await say('digest subscribe', COMP, 'C5')).toContain('already gets the daily digest');
    const [row] = await h.store.db.select().from(digestSubscriptions).where(eq(digestSubscriptions.channelId, 'C5'));
    expect(row).toMatchObject({ platform: 'slack', subscribedBy: COMP });
    expect(await say('digest preview 2026-11-20', VIEW, 'C5')).toContain('daily digest for 2026-11-20');
    expect(await say('digest preview 2026-02-31', VIEW, 'C5')).toContain('with a real date like 2026-11-24');
    expect(await say('digest unsubscribe', ADMIN, 'C5')).toContain('will no longer get the daily digest');
  });
});
