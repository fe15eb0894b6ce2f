// The terminal's side of the review workflow (issue 16 items 12 and 13): `conflicts approve|dismiss`
// and `alerts claim|resolve|snooze` through the real bin script on a real file.
import { describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { alerts, deliveries, identityConflicts, merges } from '../db/schema/index.ts';
import { parseConfig } from '../src/config.ts';
import { ingestRecords, prepareRecords } from '../src/ingest/ingest.ts';
import { cliOn } from './support/cli.ts';

const { store, cli } = await cliOn({ backend: 'file' });

describe('npx user360 conflicts approve|dismiss, alerts claim|resolve|snooze', () => {
  // Planted: the CLI printing the outcome but exiting 0 on "already approved": the exit-code check
  // fails; `alerts resolve` dropping the note words after the first: the stored note fails; the
  // claim without enqueueAlertEdits: the posted copy gets no edit row and fails.
  it('decides conflicts and reviews alerts from the terminal, with clear answers for a second try and bad input', async () => {
    const cfg = parseConfig({}).identity;
    const at = '2026-11-20T10:00:00+08:00';
    const { records } = prepareRecords(
      [
        { type: 'identify', id: 'rv-1', timestamp: at, identifiers: { external_id: 'rv-a', email: 'rv-a@example.com' } },
        { type: 'identify', id: 'rv-2', timestamp: at, identifiers: { external_id: 'rv-b', email: 'rv-b@example.com' } },
        { type: 'identify', id: 'rv-3', timestamp: at, identifiers: { external_id: 'rv-c', email: 'rv-c@example.com' } },
        { type: 'identify', id: 'rv-4', timestamp: at, identifiers: { external_id: 'rv-d', email: 'rv-d@example.com' } },
        { type: 'identify', id: 'rv-5', timestamp: at, identifiers: { email: 'rv-a@example.com', kakao_id: 'rv-k1' } },
        { type: 'identify', id: 'rv-6', timestamp: at, identifiers: { email: 'rv-b@example.com', kakao_id: 'rv-k1' } },
        { type: 'identify', id: 'rv-7', timestamp: at, identifiers: { email: 'rv-c@example.com', kakao_id: 'rv-k2' } },
        { type: 'identify', id: 'rv-8', timestamp: at, identifiers: { email: 'rv-d@example.com', kakao_id: 'rv-k2' } },
        { type: 'kyc', id: 'rv-9', timestamp: at, identifiers: { email: 'rv-a@example.com' }, status: 'pending', risk_score: 90 },
      ],
      cfg,
    );
    const r = await ingestRecords({ store, identity: cfg, clock: () => new Date() }, records, 'test');
    const [a, b] = [r.unifiedIds[0]!, r.unifiedIds[1]!];
    const [c2, c1] = await store.db.select().from(identityConflicts).orderBy(desc(identityConflicts.id));
    const [alert] = await store.db.select().from(alerts);
    // A copy of the alert already posted in a Slack channel: the terminal's review queues its edit.
    const [copy] = await store.db.insert(deliveries).values({ kind: 'alert', subject: String(alert!.id), platform: 'slack', target: 'channel:C5', status: 'sent', messageRef: 'C5:1700000000.000001', nextAttemptAt: 0, createdAt: 0 }).returning();

    const [approved, dismissed, claimed] = await Promise.all([
      cli('conflicts', 'approve', String(c1!.id)),
      cli('conflicts', 'dismiss', `#${c2!.id}`, '--reason', 'different people, same family'),
      cli('alerts', 'claim', String(alert!.id)),
    ]);
    expect(approved.stdout, approved.stderr).toBe(`Approved conflict #${c1!.id}: merged ${b} into ${a}. Undo with: npx user360 split ${b}\n`);
    expect(await store.db.select().from(merges).where(eq(merges.loserId, b))).toHaveLength(1);
    expect(dismissed.stdout, dismissed.stderr).toBe(`Dismissed conflict #${c2!.id}; nothing was merged.\n`);
    expect((await store.db.select().from(identityConflicts).where(eq(identityConflicts.id, c2!.id)))[0]).toMatchObject({ resolution: 'dismissed', resolutionNote: 'different people, same family' });
    expect(claimed.stdout, claimed.stderr).toMatch(new RegExp(`^#${alert!.id} .*\\n[\\s\\S]*  Claimed by cli:cli:\\S+ at .* GMT\\+8`));
    expect(claimed.stdout, 'the operator sees the customer').toContain('rv-a@example.com');
    expect(await store.db.select().from(deliveries).where(eq(deliveries.kind, 'alert_edit')), 'the posted copy is to be edited').toMatchObject([{ subject: `${copy!.id}:claim`, platform: 'slack', target: 'channel:C5', status: 'pending' }]);

    const [again, badId, resolved, snoozed, badSnooze] = await Promise.all([
      cli('conflicts', 'approve', String(c1!.id)),
      cli('conflicts', 'approve', 'twelve'),
      cli('alerts', 'resolve', String(alert!.id), 'checked', 'the', 'source', 'of', 'funds'),
      cli('alerts', 'snooze', String(alert!.id), '1d'),
      cli('alerts', 'snooze', String(alert!.id), '30d'),
    ]);
    expect(again.stdout).toMatch(new RegExp(`^Conflict #${c1!.id} was already approved by cli:cli:\\S+ at .* GMT\\+8; nothing changed\\.\\n$`));
    expect(again.code, 'a decision that did nothing exits 1').toBe(1);
    expect(badId.stderr).toContain('a conflict id is a number');
    expect(badId.code).toBe(1);
    expect(resolved.stdout, resolved.stderr).toContain('Resolved by cli:');
    expect((await store.db.select().from(alerts).where(eq(alerts.id, alert!.id)))[0]!.resolutionNote).toBe('checked the source of funds');
    // Snoozing a resolved alert changes nothing and says so (the resolve ran at the same time, so either order is possible).
    const row = (await store.db.select().from(alerts).where(eq(alerts.id, alert!.id)))[0]!;
    if (row.snoozedUntil === null) expect(snoozed.stdout).toContain('was already resolved by');
    expect(badSnooze.stdout + badSnooze.stderr).toContain('Snooze takes a duration from 1h to 7d');
    expect(badSnooze.code).toBe(1);
  }, 120_000);
});
