// Issue 16 item 13: an alert is claimed, resolved with a note (a Slack modal) and snoozed from its
// message, the message shows where it stands, a snooze that ends sends it again, and the first claim
// holds across instances. Real app and Bolt against the fake Slack API, real libSQL (file and sqld).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { alerts, auditLog, deliveries } from '../db/schema/index.ts';
import { grantRole } from '../src/access/roles.ts';
import { fanOutAlerts } from '../src/compliance/alert-fanout.ts';
import { alertDeliveryRenderer } from '../src/compliance/alert-delivery.ts';
import { processDueDeliveries } from '../src/delivery/deliveries.ts';
import { slackNotifier } from '../src/delivery/notifiers/slack.ts';
import { deliveryRenderer } from '../src/delivery/render.ts';
import { createLogger } from '../src/logger.ts';
import { ADMIN, slackHarness, visible } from '../src/slack/slack.test-kit.ts';
import { formatGmt8 } from '../src/time.ts';
import { blockActionBody } from './fakes/slack-sign.ts';
import { testDbUrl } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';
import { barrierEnv } from './support/overlap.ts';

const COMP = 'UCOMPR1';
const VIEW = 'UVIEWR1';
const h = await slackHarness();
await grantRole(h.store.db, { platform: 'slack', subject: COMP, role: 'compliance', grantedBy: ADMIN, now: h.clock().getTime() });
const HOUR = 3_600_000;

/** A fresh customer whose first KYC record makes one alert; returns the alert row. */
async function newAlert() {
  const email = `${uniq('ar')}@example.com`;
  await ingest(h.deps, [
    { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email }, traits: { name: 'Review Person' } },
    { type: 'kyc', id: uniq(), timestamp: new Date(Date.now() - 60_000).toISOString(), identifiers: { email }, status: 'pending', risk_score: 80 },
  ]);
  const rows = await h.store.db.select().from(alerts).orderBy(alerts.id);
  return rows.at(-1)!;
}
const row = async (id: number) => (await h.store.db.select().from(alerts).where(eq(alerts.id, id)))[0]!;

/** Clicks one of an alert message's buttons in channel C9 as `user`; returns what was posted to response_url. */
async function click(user: string, actionId: string, alertId: number, count = 1) {
  const responseUrl = h.api.responseUrl(`rv-${uniq()}`);
  const body = blockActionBody({
    user: { id: user, username: 'x', team_id: 'T1' }, channel: { id: 'C9', name: 'compliance' },
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C9', is_ephemeral: false }, response_url: responseUrl,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: String(alertId), action_ts: '1.2', text: { type: 'plain_text', text: 'x' } }],
  });
  expect((await h.post(body)).status).toBe(200);
  const path = new URL(responseUrl).pathname;
  const deadline = Date.now() + 5000;
  while (h.api.callsTo('response_url').filter((c) => c.path === path).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return h.api.callsTo('response_url').filter((c) => c.path === path).map((c) => c.body as Record<string, any>);
}

/** Submits the resolve modal as Slack would, with the metadata the modal was opened with. */
const submitNote = (user: string, privateMetadata: string, note: string) => h.submitView(user, 'user360_resolve_note', privateMetadata, { block: 'user360_note', action: 'note' }, note);

describe('alert review: claim, resolve with a note, snooze', () => {
  // Planted: the claim's update without `claimed_by IS NULL`: the admin's later claim takes it over
  // and the "already claimed" answer fails; the refusal check removed: the viewer claims.
  it('claims once: a viewer is refused, the first claim shows on the message and is audited, a later one is told who', async () => {
    const a = await newAlert();
    const [refused] = await click(VIEW, 'user360_claim', a.id);
    expect(visible(refused)).toContain('Only compliance and admin roles can claim alerts');
    expect(refused!.replace_original).toBe(false);
    expect((await row(a.id)).claimedBy).toBeNull();

    const [claimed] = await click(COMP, 'user360_claim', a.id);
    expect(claimed!.replace_original).toBe(true);
    expect(visible(claimed)).toContain(`Claimed by <@${COMP}> at `);
    expect(visible(claimed)).not.toContain('user360_claim');
    expect(visible(claimed), 'a channel message carries no personal data').not.toContain('Review Person');
    expect(await row(a.id)).toMatchObject({ claimedBy: `slack:${COMP}` });
    expect(await h.store.db.select().from(auditLog).where(eq(auditLog.command, `alerts claim #${a.id}`))).toMatchObject([{ platform: 'slack', callerId: COMP, channelId: 'C9', unifiedId: a.unifiedId }]);

    const [state, told] = await click(ADMIN, 'user360_claim', a.id, 2);
    expect(visible(state)).toContain(`Claimed by <@${COMP}>`);
    expect(told).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(told!.text).toMatch(new RegExp(`^Alert #${a.id} was already claimed by slack:${COMP} at .* GMT\\+8; nothing changed\\.$`));
    expect((await row(a.id)).claimedBy).toBe(`slack:${COMP}`);
  });

  // Planted: the note rendered without escape(): the mention and the bold survive and fail; the
  // length check at 5,000 instead of 500: the long note is stored and fails.
  it('resolves through a modal: the role first, the note checked, the message updated with the note escaped', async () => {
    const a = await newAlert();
    const opened = h.api.callsTo('views.open').length;
    const [refused] = await click(VIEW, 'user360_resolve', a.id);
    expect(visible(refused)).toContain('Only compliance and admin roles can resolve alerts');
    expect(h.api.callsTo('views.open')).toHaveLength(opened);

    await click(COMP, 'user360_resolve', a.id, 0);
    await h.api.waitFor('views.open', opened + 1, 5000);
    const open = h.api.callsTo('views.open').at(-1)!.body as { trigger_id: string; view: string | Record<string, any> };
    const view = typeof open.view === 'string' ? JSON.parse(open.view) : open.view;
    expect(open.trigger_id).toBe('1.1.fake-trigger');
    expect(view).toMatchObject({ type: 'modal', callback_id: 'user360_resolve_note', blocks: [{ block_id: 'user360_note', element: { max_length: 500 } }] });

    const empty = await submitNote(COMP, view.private_metadata, '   ');
    expect(await empty.json()).toEqual({ response_action: 'errors', errors: { user360_note: expect.stringContaining('The note is empty') } });
    const long = await submitNote(COMP, view.private_metadata, 'x'.repeat(501));
    expect(await long.json()).toMatchObject({ response_action: 'errors', errors: { user360_note: expect.stringContaining('at most 500 characters') } });
    const forged = await submitNote(COMP, '{"a":1,"c":"C9","t":"nope"}', 'fine');
    expect(await forged.json()).toMatchObject({ response_action: 'errors' });
    const byViewer = await submitNote(VIEW, view.private_metadata, 'closing it');
    expect(await byViewer.json()).toMatchObject({ response_action: 'errors', errors: { user360_note: expect.stringContaining('Only compliance and admin') } });
    expect((await row(a.id)).resolvedAt).toBeNull();

    const updates = h.api.callsTo('chat.update').length;
    const ok = await submitNote(COMP, view.private_metadata, 'False positive <!here> *cleared* by <https://evil.example|docs>');
    expect(ok.status).toBe(200);
    await h.api.waitFor('chat.update', updates + 1, 5000);
    const update = h.api.callsTo('chat.update').at(-1)!.body;
    expect(update).toMatchObject({ channel: 'C9', ts: '1700000000.000100' });
    const shown = visible(update);
    expect(shown).toContain(`Resolved by <@${COMP}>`);
    expect(shown).toContain('&lt;!here&gt;');
    expect(shown).not.toContain('<!here>');
    expect(shown).not.toContain('<https://evil.example');
    expect(JSON.stringify(update), 'bold markup is broken by zero-width spaces').not.toContain(' *cleared*');
    for (const gone of ['user360_claim', 'user360_resolve"', 'user360_snooze', 'user360_ack']) expect(shown).not.toContain(gone);
    expect(await row(a.id)).toMatchObject({ resolvedBy: `slack:${COMP}`, resolutionNote: 'False positive <!here> *cleared* by <https://evil.example|docs>' });
    expect(await h.store.db.select().from(auditLog).where(eq(auditLog.command, `alerts resolve #${a.id}`))).toHaveLength(1);

    const ephemerals = h.api.callsTo('chat.postEphemeral').length;
    await submitNote(ADMIN, view.private_metadata, 'me too');
    await h.api.waitFor('chat.postEphemeral', ephemerals + 1, 5000);
    expect(h.api.callsTo('chat.postEphemeral').at(-1)!.body).toMatchObject({ channel: 'C9', user: ADMIN, text: expect.stringContaining('was already resolved by') });
    expect((await row(a.id)).resolutionNote).toContain('False positive');
  });

  // The snooze ends at a time the clock reaches; the reminder goes to where the alert went, once.
  // Planted: the sweep without `resolved_at IS NULL`: the resolved alert is reminded and fails. (Without
  // the `reminded_for` check it still passes: the unique delivery row per alert and snooze keeps the
  // reminder single; the column only spares each sweep from re-reading ended snoozes.)
  it('snoozes: the message says until when (GMT+8), and when the snooze ends the alert is sent again once, unless resolved', async () => {
    expect(visible(await (await h.command('alerts subscribe all <#C88|alerts>', COMP).res).json())).toContain('Compliance alerts will go to <#C88>');
    const deps = {
      store: h.store, clock: h.clock, log: createLogger('silent'), random: () => 1, retry: { baseMs: 1000, maxBackoffMs: 60_000, giveUpAfterMs: 3_600_000 * 24 * 30, leaseMs: 30_000 },
      notifiers: { slack: slackNotifier({ token: 'xoxb-test', apiUrl: h.api.url }) },
      render: deliveryRenderer(h.store.db, h.clock, alertDeliveryRenderer(h.store.db, { slack: [ADMIN] })),
    };
    const sweep = async () => ({ made: await fanOutAlerts(h.store, h.clock().getTime()), ...(await processDueDeliveries(deps)) });
    await sweep();
    const [a, b] = [await newAlert(), await newAlert()];
    await sweep();
    const now = h.clock().getTime();
    const [snoozed] = await click(COMP, 'user360_snooze:1h', a.id);
    expect(visible(snoozed)).toContain(`Snoozed by <@${COMP}> until ${formatGmt8(now + HOUR)}`);
    expect((await row(a.id)).snoozedUntil).toBe(now + HOUR);
    await click(COMP, 'user360_snooze:1d', b.id);
    const reminders = () => h.store.db.select().from(deliveries).where(eq(deliveries.kind, 'reminder'));
    const bad = await click(COMP, 'user360_snooze:9d', b.id);
    expect(visible(bad)).toContain('Snooze takes a duration from 1h to 7d');

    h.clock.advance(HOUR - 1);
    await sweep();
    expect(await reminders(), 'not before the snooze ends').toEqual([]);
    h.clock.advance(1);
    const posted = h.api.callsTo('chat.postMessage').length;
    expect(await sweep()).toMatchObject({ made: 1, sent: 1 });
    const reminder = h.api.callsTo('chat.postMessage').slice(posted);
    expect(reminder).toHaveLength(1);
    expect(reminder[0]!.body.channel).toBe('C88');
    expect(visible(reminder[0]!.body)).toContain('Snooze ended');
    expect(visible(reminder[0]!.body)).toContain(a.unifiedId);
    expect(await sweep()).toMatchObject({ made: 0, sent: 0 });

    // b: resolved before its day ends, so nothing comes back.
    await h.store.write((tx) => tx.update(alerts).set({ resolvedBy: 'slack:X', resolvedAt: h.clock().getTime(), resolutionNote: 'done' }).where(eq(alerts.id, b.id)));
    h.clock.advance(24 * HOUR);
    expect(await sweep()).toMatchObject({ made: 0 });
    expect(await h.store.db.select().from(deliveries).where(and(eq(deliveries.kind, 'reminder'), eq(deliveries.subject, `${b.id}:${(await row(b.id)).snoozedUntil}`)))).toEqual([]);
    expect(await h.store.db.select().from(auditLog).where(eq(auditLog.command, `alerts snooze #${a.id} until ${new Date(now + HOUR).toISOString()}`))).toHaveLength(1);
  });

  // Planted: the claim's update without `claimed_by IS NULL`: both processes "win" and fails.
  it('two claims at once, in two processes: the first writer keeps it', async () => {
    const a = await newAlert();
    const barrier = mkdtempSync(join(tmpdir(), 'user360-barrier-'));
    const worker = (me: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', 'test/support/review-worker.ts', testDbUrl(h.store), 'claim', String(a.id), `ops-${me}`], { env: { ...process.env, ...barrierEnv(barrier, me, ['a', 'b']) } }, (err, out, errOut) => (err ? reject(new Error(errOut)) : resolve(out))),
      );
    const outputs = (await Promise.all([worker('a'), worker('b')])).map((o) => JSON.parse(o) as { ok: boolean; text: string; overlapped: boolean });
    expect(outputs.map((o) => o.overlapped), 'each process was inside while the other was').toEqual([true, true]);
    expect(outputs.map((o) => o.ok).sort(), JSON.stringify(outputs)).toEqual([false, true]);
    const winner = outputs.find((o) => o.ok)!.text;
    expect((await row(a.id)).claimedBy).toBe(winner);
    expect(outputs.find((o) => !o.ok)!.text).toContain(`already claimed by ${winner}`);
  }, 90_000);
});
