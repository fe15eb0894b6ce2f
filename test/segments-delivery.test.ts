// Segment subscriptions end to end on Slack: the commands through signed requests to the real app,
// then two service processes on one database recomputing and delivering at the same time. Each change
// reaches the channel once, as one message, with counts and unified ids only.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { deliveries, segmentChanges } from '../db/schema/index.ts';
import { segmentNamed } from '../src/audience/segments.ts';
import { ADMIN, slackHarness, visible } from '../src/slack/slack.test-kit.ts';
import { testDbUrl } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';
import { barrierEnv } from './support/overlap.ts';

const h = await slackHarness();
const T = uniq('sd').toLowerCase();
const NAME = `watch-${T}`;
const say = async (text: string, user = ADMIN, channel = 'C1') => visible(await (await h.command(text, user, { channel_id: channel }).res).json());
const kyc = (n: number, risk: number) => ({ type: 'kyc', id: uniq('k'), timestamp: new Date().toISOString(), identifiers: { email: `p${n}.${T}@example.com` }, status: 'pending', risk_score: risk });
const people = [1, 2, 3, 4];

describe('segment subscriptions on Slack', () => {
  it('with two service processes on one database, posts each change once, without personal data', async () => {
    await ingest(h.deps, people.map((n) => ({ type: 'identify', id: uniq(), timestamp: new Date().toISOString(), identifiers: { email: `p${n}.${T}@example.com` }, traits: { name: `Secret Name ${n}`, tags: [T] } })));
    await ingest(h.deps, people.map((n) => kyc(n, n === 1 ? 90 : 10)));
    expect(await say(`segment create ${NAME} tag:${T} risk:>=high`, 'U_VIEWER')).toContain('Only compliance and admin roles can create segments');
    expect(await say(`segment create ${NAME} tag:${T} risk:>=high`)).toContain(`Segment \\"${NAME}\\" saved: 1 customer(s)`);
    expect(await say(`segment subscribe ${NAME} <#C42|audience>`)).toContain('will go to <#C42>');
    expect(await say('segment list', 'U_VIEWER')).toContain(`${NAME}: 1 customer(s)`);
    expect(await say(`find segment:${NAME} risk:nope`, 'U_VIEWER')).toContain('is not a valid risk filter');
    h.api.reset();
    // Three enter, the first leaves: one run, one message.
    await ingest(h.deps, people.map((n) => kyc(n, n === 1 ? 5 : 80)));
    const barrier = mkdtempSync(join(tmpdir(), 'user360-barrier-'));
    const worker = (me: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', 'test/support/segment-worker.ts', testDbUrl(h.store)], { env: { ...process.env, SLACK_API_URL: h.api.url, ...barrierEnv(barrier, me, ['a', 'b']) } }, (err, out, errOut) => (err ? reject(new Error(errOut)) : resolve(out))),
      );
    const out = (await Promise.all([worker('a'), worker('b')])).map((o) => JSON.parse(o) as { sent: number; committed: number; lost: number; overlapped: boolean });
    expect(out.map((o) => o.overlapped), 'each process was inside while the other was').toEqual([true, true]);
    // Both computed the same diff before either committed (the worker holds them together there); one commits.
    expect(out.reduce((n, o) => n + o.committed, 0), JSON.stringify(out)).toBe(1);
    expect(out.reduce((n, o) => n + o.lost, 0), JSON.stringify(out)).toBe(1);
    expect(out.reduce((n, o) => n + o.sent, 0), JSON.stringify(out)).toBe(1);
    const posts = h.api.callsTo('chat.postMessage').filter((p) => p.body.channel === 'C42');
    expect(posts).toHaveLength(1);
    const msg = visible(posts[0]!.body);
    expect(msg).toContain(`Segment ${NAME}: +3 entered, −1 left`);
    expect(msg).toContain('Now 3 customer(s)');
    expect(msg).not.toMatch(/Secret Name|example\.com/);
    const seg = (await segmentNamed(h.store.db, NAME))!;
    expect(seg.run).toBe(2);
    expect(await h.store.db.select().from(segmentChanges).where(and(eq(segmentChanges.segmentId, seg.id), eq(segmentChanges.run, 2)))).toHaveLength(4);
    expect(await h.store.db.select().from(deliveries).where(and(eq(deliveries.kind, 'segment'), eq(deliveries.subject, `${seg.id}:2`)))).toHaveLength(1);
  }, 90_000);
});
