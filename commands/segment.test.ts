import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestStore, settableClock, testConfig } from '../test/support/db.ts';
import { ingest, uniq } from '../test/support/factories.ts';
import { deliveries, segmentChanges, segmentMembers, segments, segmentSubscriptions } from '../db/schema/index.ts';
import { recomputeDueSegments, recomputeSegment } from '../src/audience/segment-recompute.ts';
import { segmentChangeView } from '../src/audience/segment-view.ts';
import { grantRole } from '../src/access/roles.ts';
import { alertDeliveryRenderer } from '../src/compliance/alert-delivery.ts';
import { deliveryRenderer } from '../src/delivery/render.ts';
import { segmentChangeMessage } from '../src/slack/segment-blocks.ts';
import { segmentNamed } from '../src/audience/segments.ts';
import { buildDigest } from '../src/digest/model.ts';
import { digestLines } from '../src/render/digest.ts';
import { gmt8Day } from '../src/time.ts';
import { runCommandText } from './index.ts';
import type { FindResult } from './find.ts';
import type { CommandContext, CommandResult } from './types.ts';

const store = await createTestStore();
const config = testConfig();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: config.identity, clock };
const DAY = 86_400_000;
const ctx = (role: CommandContext['caller']['role'] = 'compliance', platform: 'slack' | 'discord' | 'cli' = 'slack'): CommandContext =>
  ({ ...deps, caller: { platform, userId: 'U1', channelId: 'C1', role } });
const say = (text: string, role?: CommandContext['caller']['role'], platform?: 'slack' | 'discord' | 'cli') => runCommandText(text, ctx(role, platform));
const ago = (d: number) => new Date(clock().getTime() - d * DAY).toISOString();
const T = uniq('g').toLowerCase();
const ext = (n: number) => `${T}-${n}`;
const person = (n: number, risk: number, seenDaysAgo = 1) => [
  { type: 'identify', id: uniq(), timestamp: ago(seenDaysAgo), identifiers: { external_id: ext(n), email: `p${n}.${T}@example.com` }, traits: { name: `Person ${n}`, tags: [T] } },
  { type: 'kyc', id: uniq(), timestamp: ago(seenDaysAgo), identifiers: { external_id: ext(n) }, status: 'pending', risk_score: risk },
];
const text = (r: CommandResult) => (r.kind === 'notice' ? [r.title, ...r.lines].join('\n') : r.kind === 'usage_error' ? r.message : JSON.stringify(r));
const memberIds = async (name: string) => {
  const s = (await segmentNamed(store.db, name))!;
  return (await store.db.select().from(segmentMembers).where(eq(segmentMembers.segmentId, s.id))).map((m) => m.rootId).sort();
};
const uid = async (n: number) => ((await runCommandText(`find ${ext(n)}`, ctx('admin'))) as FindResult).rows[0]!.unified_id;

await ingest(deps, [...person(1, 80), ...person(2, 90), ...person(3, 10)]);
const NAME = `risky-${T}`.slice(0, 40);

describe('segment create, list, show, delete', () => {
  it('saves the parsed filter, computes members at once, and answers find segment:<name>', async () => {
    expect(text(await say(`segment create ${NAME} tag:${T} risk:>=high`, 'viewer'))).toContain('Only compliance and admin roles can create segments');
    const made = await say(`segment create ${NAME} tag:${T} risk:>=high`);
    expect(made).toMatchObject({ kind: 'notice', ok: true, title: `Segment "${NAME}" saved: 2 customer(s)` });
    const row = (await segmentNamed(store.db, NAME))!;
    expect(JSON.parse(row.filter)).toMatchObject({ filters: [{ kind: 'tag', tag: T }, { kind: 'risk', min: 3, max: 4 }] });
    expect(row).toMatchObject({ query: `tag:${T} risk:>=high`, size: 2, run: 1 });
    expect(await memberIds(NAME)).toEqual([await uid(1), await uid(2)].sort());
    const entries = await store.db.select().from(segmentChanges).where(eq(segmentChanges.segmentId, row.id));
    expect(entries.map((e) => e.change)).toEqual(['enter', 'enter']);
    const found = (await say(`find segment:${NAME}`, 'viewer')) as FindResult;
    expect(found.total).toBe(2);
    expect(found.rows.map((r) => r.name)).toEqual(['P***', 'P***']);
    expect(text(await say(`segment create ${NAME} kyc:pending`))).toContain('already exists');
    const list = await say('segment list', 'viewer');
    expect(text(list)).toContain(`${NAME}: 2 customer(s) · tag:${T} risk:>=high`);
    const shown = (await say(`segment show ${NAME}`, 'viewer')) as FindResult;
    expect(shown.kind).toBe('find');
    expect(shown.notes[0]).toBe(`Segment "${NAME}": tag:${T} risk:>=high`);
    expect(shown.rows).toHaveLength(2);
  });

  it('answers bad input with one line naming it and the usage', async () => {
    const bad = await say(`segment create x-${T} risk:extreme`);
    expect(bad.kind).toBe('usage_error');
    expect((bad as { message: string }).message).toMatch(/"risk:extreme" is not a valid risk filter; use risk:<level>/);
    expect((bad as { usage?: unknown[] }).usage?.length).toBeGreaterThan(0);
    expect(text(await say('segment create Bad!Name kyc:pending'))).toContain('"Bad!Name" is not a segment name');
    expect(text(await say('segment create only-name'))).toContain('needs filters');
    expect(text(await say(`segment create nested-${T} segment:${NAME}`))).toContain('cannot be defined with segment: filters');
    expect(text(await say('segment rename a b'))).toContain('segment takes create, list, show, delete, subscribe, unsubscribe, not "rename"');
    for (const t of ['segment show nope-none', 'segment delete nope-none', 'segment subscribe nope-none', 'find segment:nope-none']) {
      const r = await say(t);
      expect(r.kind, t).toBe('usage_error');
      expect((r as { message: string }).message, t).toContain('There is no segment named "nope-none"');
    }
    expect(await store.db.select().from(segments).where(eq(segments.name, `x-${T}`))).toHaveLength(0);
  });

  it('deletes with its members and subscriptions, for compliance and admin only', async () => {
    const name = `gone-${T}`.slice(0, 40);
    await say(`segment create ${name} tag:${T}`);
    await say(`segment subscribe ${name}`, 'viewer');
    expect(text(await say(`segment delete ${name}`, 'viewer'))).toContain('Only compliance and admin roles can delete segments');
    const id = (await segmentNamed(store.db, name))!.id;
    expect(text(await say(`segment delete ${name}`, 'admin'))).toContain(`Segment "${name}" deleted`);
    expect(await store.db.select().from(segmentMembers).where(eq(segmentMembers.segmentId, id))).toHaveLength(0);
    expect(await store.db.select().from(segmentSubscriptions).where(eq(segmentSubscriptions.segmentId, id))).toHaveLength(0);
    expect(text(await say(`find segment:${name}`))).toContain('There is no segment named');
  });
});

describe('segment membership over time', () => {
  it('records entries and exits per recompute, notifies each subscriber once per change, and the digest shows size and change', async () => {
    expect(text(await say(`segment subscribe ${NAME} <#C9|risk>`, 'viewer'))).toContain('Only compliance and admin roles can subscribe a channel');
    expect(text(await say(`segment subscribe ${NAME} <#C9|risk>`))).toContain(`Changes to "${NAME}" will go to <#C9>`);
    expect(text(await say(`segment subscribe ${NAME}`, 'viewer', 'discord'))).toContain('your direct messages');
    expect(text(await say(`segment subscribe ${NAME}`, 'admin', 'cli'))).toContain('--slack <channel-id>');
    const seg = (await segmentNamed(store.db, NAME))!;
    // Person 3 becomes high risk, person 1 drops to low: one run, one enter, one exit.
    clock.advance(60_000);
    await ingest(deps, [
      { type: 'kyc', id: uniq(), timestamp: new Date(clock().getTime()).toISOString(), identifiers: { external_id: ext(3) }, status: 'pending', risk_score: 95 },
      { type: 'kyc', id: uniq(), timestamp: new Date(clock().getTime()).toISOString(), identifiers: { external_id: ext(1) }, status: 'pending', risk_score: 5 },
    ]);
    // Not due yet: computed a moment ago, refreshed every minute.
    expect((await recomputeDueSegments(store, clock().getTime() - 30_000, 60_000)).filter((r) => r.segmentId === seg.id)).toHaveLength(0);
    const [r] = (await recomputeDueSegments(store, clock().getTime(), 60_000)).filter((x) => x.segmentId === seg.id);
    expect(r).toMatchObject({ run: 2, entered: 1, exited: 1, size: 2, committed: true, notified: 2 });
    expect(await memberIds(NAME)).toEqual([await uid(2), await uid(3)].sort());
    const notices = await store.db.select().from(deliveries).where(and(eq(deliveries.kind, 'segment'), eq(deliveries.subject, `${seg.id}:2`)));
    expect(notices.map((d) => `${d.platform} ${d.target}`).sort()).toEqual(['discord user:U1', 'slack channel:C9']);
    const view = (await segmentChangeView(store.db, `${seg.id}:2`))!;
    expect(view).toMatchObject({ segment: NAME, entered: 1, exited: 1, size: 2, enteredIds: [await uid(3)], exitedIds: [await uid(1)] });
    expect(JSON.stringify(view)).not.toMatch(/Person|example\.com/);
    // Nothing moved: no run, no notice.
    clock.advance(61_000);
    const [again] = (await recomputeDueSegments(store, clock().getTime(), 60_000)).filter((x) => x.segmentId === seg.id);
    expect(again).toMatchObject({ run: 2, entered: 0, exited: 0, notified: 0 });
    // A stale result (computed from run 2 after run 3 committed) is not applied over the newer one.
    const stale = (await segmentNamed(store.db, NAME))!;
    await ingest(deps, [{ type: 'kyc', id: uniq(), timestamp: new Date(clock().getTime()).toISOString(), identifiers: { external_id: ext(2) }, status: 'pending', risk_score: 1 }]);
    expect(await recomputeSegment(store, stale, clock().getTime())).toMatchObject({ committed: true, run: 3, exited: 1 });
    await ingest(deps, [{ type: 'kyc', id: uniq(), timestamp: new Date(clock().getTime() + 1).toISOString(), identifiers: { external_id: ext(2) }, status: 'pending', risk_score: 99 }]);
    // `stale` was read at run 2; run 3 has committed since, so its diff (person 2 back in) is not applied.
    expect(await recomputeSegment(store, stale, clock().getTime())).toMatchObject({ committed: false, entered: 1, notified: 0 });
    expect(await store.db.select().from(segmentChanges).where(and(eq(segmentChanges.segmentId, seg.id), eq(segmentChanges.run, 4)))).toHaveLength(0);
    expect(await recomputeSegment(store, (await segmentNamed(store.db, NAME))!, clock().getTime())).toMatchObject({ committed: true, run: 4, entered: 1 });
    const digest = await buildDigest(store.db, gmt8Day(clock().getTime()), clock().getTime(), { preview: true });
    expect(digest.segments.find((s) => s.name === NAME)).toEqual({ name: NAME, size: 2, entered: 4, exited: 2 });
    expect(digestLines(digest).sections.find((s) => s.name === 'Segments')!.lines).toContain(`${NAME}: 2 (+4 / −2 today)`);
  });

  it('lets customers leave by time alone (seen:), caught by the scheduled recompute', async () => {
    const name = `recent-${T}`.slice(0, 40);
    await say(`segment create ${name} tag:${T} seen:<3d`);
    expect((await segmentNamed(store.db, name))!.size).toBe(3);
    clock.advance(4 * DAY);
    await recomputeDueSegments(store, clock().getTime(), 60_000);
    const id = (await segmentNamed(store.db, name))!.id;
    const exits = await store.db.select().from(segmentChanges).where(and(eq(segmentChanges.segmentId, id), eq(segmentChanges.change, 'exit')));
    expect(exits).toHaveLength(3);
    expect((await segmentNamed(store.db, name))!.size).toBe(0);
  });
});

describe('find segment:<name> for a caller who may not see personal data', () => {
  // Planted: find reading a segment's stored members for a viewer whatever its words (the code before
  // this test): the viewer found both customers named Vera through `tag:… vera`, total 2 instead of 0.
  it('holds the segment’s words to the public fields, as the caller’s own words are', async () => {
    const V = uniq('v').toLowerCase();
    await ingest(deps, [1, 2].map((n) => ({ type: 'identify', id: uniq(), timestamp: ago(1), identifiers: { external_id: `${V}-${n}`, email: `vera${n}.${V}@example.com` }, traits: { name: `Vera ${n}`, tags: [V] } })));
    const byName = `named-${V}`;
    expect(text(await say(`segment create ${byName} tag:${V} vera`))).toContain('saved: 2 customer(s)');
    expect(((await say(`find segment:${byName}`, 'admin')) as FindResult).total).toBe(2);
    const viewer = (await say(`find segment:${byName}`, 'viewer')) as FindResult;
    expect(viewer.total, JSON.stringify(viewer.rows)).toBe(0);
    expect(viewer.notes.join(' ')).toMatch(/not names, emails or phone numbers/);
    expect(((await say(`segment show ${byName}`, 'viewer')) as FindResult).total).toBe(0);
    // A word over an external id still finds its customer for a viewer, through the segment as typed.
    const byExt = `ext-${V}`;
    await say(`segment create ${byExt} tag:${V} ${V}-2`);
    const found = (await say(`find segment:${byExt}`, 'viewer')) as FindResult;
    expect(found.rows.map((r) => r.name)).toEqual(['V***']);
    // A segment without words keeps its members for everyone.
    await say(`segment create tagged-${V} tag:${V}`);
    expect(((await say(`find segment:tagged-${V}`, 'viewer')) as FindResult).total).toBe(2);
  });
});

describe('the size of a segment matched on personal words', () => {
  // Who matches "ali", and how many, is personal data: a viewer and a channel learn neither.
  it('is shown in segment list and segment show only to roles that see personal data, and never in a channel or the digest', async () => {
    const A = uniq('a').toLowerCase();
    await ingest(deps, [1, 2, 3].map((n) => ({ type: 'identify', id: uniq(), timestamp: ago(1), identifiers: { external_id: `${A}-${n}`, email: `${n < 3 ? 'alice' : 'bob'}${n}.${A}@example.com` }, traits: { name: n < 3 ? `Alice ${n}` : 'Bob', tags: [A] } })));
    const [named, plain] = [`alices-${A}`, `all-${A}`];
    expect(text(await say(`segment create ${named} ali tag:${A}`))).toContain('saved: 2 customer(s)');
    expect(text(await say(`segment create ${plain} tag:${A}`))).toContain('saved: 3 customer(s)');
    const lineOf = (r: CommandResult, name: string) => text(r).split('\n').find((l) => l.startsWith(`${name}:`))!;
    expect(lineOf(await say('segment list', 'compliance'), named)).toContain(`${named}: 2 customer(s) · ali tag:${A}`);
    const viewerList = await say('segment list', 'viewer');
    expect(lineOf(viewerList, named).startsWith(`${named}: size not shown (its words search names, emails and phones`)).toBe(true);
    expect(lineOf(viewerList, named).slice(named.length).split(' · ')[0]).not.toMatch(/\d/);
    expect(lineOf(viewerList, plain)).toContain(`${plain}: 3 customer(s)`);
    const shownTo = async (role: CommandContext['caller']['role']) => ((await say(`segment show ${named}`, role)) as FindResult).notes.join(' | ');
    expect(await shownTo('compliance')).toContain('2 customer(s) as of');
    expect(await shownTo('viewer')).not.toMatch(/\d customer/);
    expect(await shownTo('viewer')).toContain('Its saved size is not shown');

    // Its changes would name the customers matched on names: no channel follows it, nor a viewer.
    expect(text(await say(`segment subscribe ${named} <#C7|growth>`))).toContain('cannot be followed in a channel');
    expect(text(await say(`segment subscribe ${named}`, 'viewer'))).toContain('cannot be followed with your role');
    expect(text(await say(`segment subscribe ${named}`))).toContain('will go to your direct messages');
    expect(text(await say(`segment subscribe ${plain} <#C7|growth>`))).toContain('will go to <#C7>');
    // A channel subscription from before this rule is kept but told nothing; a viewer's DM from before
    // it is told that the segment changed, and nothing of who or how many.
    const seg = (await segmentNamed(store.db, named))!;
    const before = { segmentId: seg.id, platform: 'slack' as const, subscribedBy: 'U1', createdAt: clock().getTime() };
    await store.db.insert(segmentSubscriptions).values([{ ...before, target: 'channel:C8' }, { ...before, target: 'user:U_VIEW' }]);
    await grantRole(store.db, { platform: 'slack', subject: 'U1', role: 'compliance', grantedBy: 'test', now: clock().getTime() });
    await ingest(deps, [{ type: 'identify', id: uniq(), timestamp: ago(0), identifiers: { external_id: `${A}-4` }, traits: { name: 'Alicia', tags: [A] } }]);
    expect(await recomputeSegment(store, seg, clock().getTime())).toMatchObject({ entered: 1, committed: true, notified: 2 });
    const sent = await store.db.select().from(deliveries).where(and(eq(deliveries.kind, 'segment'), eq(deliveries.subject, `${seg.id}:${seg.run + 1}`))).orderBy(deliveries.target);
    expect(sent.map((d) => `${d.platform} ${d.target}`)).toEqual(['slack user:U1', 'slack user:U_VIEW']);
    // Planted: segmentNoticeFor returning the full view whatever the role → the viewer's message names
    // the new member's unified id and counts; skipping the role check the other way → U1 loses them.
    const render = deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, {}));
    const slackText = async (d: (typeof sent)[number]) => {
      const m = await render(d);
      if (m?.kind !== 'segment') throw new Error(`no segment notice for ${d.target}`);
      return JSON.stringify(segmentChangeMessage(m.change));
    };
    const toU1 = await slackText(sent[0]!);
    expect(toU1).toContain('+1 entered');
    expect(toU1).toContain('Now 3 customer(s)');
    const toViewer = await slackText(sent[1]!);
    expect(toViewer).toContain(`Segment ${named} changed`);
    expect(toViewer).toContain('not shown to your role');
    // No count and no unified id: nothing but the segment's name and the command carry a digit.
    expect(toViewer.replaceAll(named, '').replaceAll('/user360', '')).not.toMatch(/\d/);
    expect(toU1).toMatch(/Entered: u\u200b?_\u200b?01/);
    // A channel subscription's row from before the rule, had one been queued, says nothing either.
    expect(await render({ ...sent[0]!, target: 'channel:C8' })).toBeNull();

    // The digest goes to channels: the segment is named there, without figures in the model itself.
    const digest = await buildDigest(store.db, gmt8Day(clock().getTime()), clock().getTime(), { preview: true });
    expect(digest.segments.find((g) => g.name === named)).toEqual({ name: named, withheld: 'personal_words' });
    expect(digest.segments.find((g) => g.name === plain)).toMatchObject({ name: plain, size: 3 });
    const lines = digestLines(digest).sections.find((x) => x.name === 'Segments')!.lines;
    expect(lines).toContain(`${named}: not counted here (its words search names, emails and phones)`);
  });
});
