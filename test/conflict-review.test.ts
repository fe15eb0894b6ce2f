// Issue 16 item 12: the conflicts the identity guards kept are approved (the merge is made through the
// ingest's own merge path) or dismissed, from the terminal's command and from Slack's buttons, by admins,
// audited, once. Real app and Bolt against the fake Slack API, real libSQL (file and sqld projects).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { getAddress } from 'viem';
import { alerts, auditLog, identifiers, identityConflicts, merges, rollupDirtyDays, wallets } from '../db/schema/index.ts';
import { conflicts } from '../commands/conflicts.ts';
import { lookup } from '../commands/lookup.ts';
import type { CommandContext } from '../commands/types.ts';
import type { Role } from '../db/schema/constants.ts';
import { grantRole } from '../src/access/roles.ts';
import { computeRollup } from '../src/metrics/rollup.ts';
import { ADMIN, slackHarness, visible } from '../src/slack/slack.test-kit.ts';
import { blockActionBody } from './fakes/slack-sign.ts';
import { testDbUrl } from './support/db.ts';
import { ingest, randomEvm, uniq } from './support/factories.ts';
import { barrierEnv } from './support/overlap.ts';

const COMP = 'UCOMPC1';
const h = await slackHarness();
await grantRole(h.store.db, { platform: 'slack', subject: COMP, role: 'compliance', grantedBy: ADMIN, now: h.clock().getTime() });
const as = (role: Role, userId = 'cli:ops'): CommandContext => ({ ...h.deps, caller: { platform: 'cli', userId, role } });
const at = '2026-11-20T10:00:00+08:00';

/** Two customers, each with its own external id, KYC state and a transaction; a third record that names both makes the conflict. */
async function refusedPair() {
  const [e1, p2] = [`${uniq('cr')}@example.com`, `+8869${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`];
  const [x1, x2] = [uniq('ext-'), uniq('ext-')];
  const r = await ingest(h.deps, [
    { type: 'identify', id: uniq(), timestamp: at, identifiers: { external_id: x1, email: e1 } },
    { type: 'identify', id: uniq(), timestamp: '2026-11-21T10:00:00+08:00', identifiers: { external_id: x2, phone: p2 } },
    { type: 'kyc', id: uniq(), timestamp: at, identifiers: { email: e1 }, status: 'pending', risk_score: 10 },
    { type: 'kyc', id: uniq(), timestamp: '2026-11-21T11:00:00+08:00', identifiers: { phone: p2 }, status: 'verified', risk_score: 80 },
    { type: 'transaction', id: uniq(), timestamp: at, identifiers: { email: e1 }, chain: 'tron', token: 'USDT', amount: '100', usdt_value: '100', direction: 'in' },
    { type: 'transaction', id: uniq(), timestamp: '2026-11-21T12:00:00+08:00', identifiers: { phone: p2 }, chain: 'tron', token: 'USDT', amount: '50', usdt_value: '50', direction: 'in' },
  ]);
  const [a, b] = [r.unifiedIds[0]!, r.unifiedIds[1]!];
  const joining = uniq('join-');
  await ingest(h.deps, [{ type: 'identify', id: joining, timestamp: '2026-11-22T10:00:00+08:00', identifiers: { email: e1, phone: p2 } }]);
  const [conflict] = await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.recordId, joining));
  expect(conflict, 'the guard kept a conflict').toMatchObject({ kind: 'external_id', customerIds: [a, b] });
  return { a, b, e1, p2, conflict: conflict! };
}
const outcome = (r: Awaited<ReturnType<typeof conflicts>>) => (r.kind === 'conflicts' ? r.outcome : undefined);
/** Clicks a conflict's button in Slack as `user`; returns the click's response_url. */
async function clickConflict(user: string, decision: 'approve' | 'dismiss', id: number) {
  const responseUrl = h.api.responseUrl(`conflict-${uniq()}`);
  const body = blockActionBody({
    user: { id: user, username: 'x', team_id: 'T1' }, channel: { id: 'C1', name: 'ops' },
    container: { type: 'message', message_ts: '1.1', channel_id: 'C1', is_ephemeral: true }, response_url: responseUrl,
    actions: [{ type: 'button', action_id: `user360_conflict:${decision}`, block_id: `user360_conflict_${id}`, value: String(id), action_ts: '1.2', text: { type: 'plain_text', text: decision } }],
  });
  expect((await h.post(body)).status).toBe(200);
  return responseUrl;
}

describe('conflicts approve and dismiss', () => {
  // Planted: approve merging without the ingest's merge hook (no KYC alert, no dirty days): the merge
  // alert fails; dropping `resolved_at IS NULL` from the conflict's update: the second approval
  // answers "approved" again and the already-answer fails.
  it('approves a refused merge through the identity rules: one customer, one volume, a merge alert, rollups marked, audited', async () => {
    const { a, b, p2, conflict } = await refusedPair();
    for (const day of ['2026-11-20', '2026-11-21']) await computeRollup(h.store, day, h.clock().getTime());
    await h.store.write((tx) => tx.delete(rollupDirtyDays));
    const before = (await lookup({ identifier: p2, section: 'card' }, as('admin'))) as Extract<Awaited<ReturnType<typeof lookup>>, { kind: 'profile' }>;
    expect(before.profile.unified_id).toBe(b);
    const r = await conflicts({ action: 'approve', id: conflict.id, reason: undefined }, as('admin'));
    expect(outcome(r)).toEqual({ ok: true, text: expect.stringContaining(`merged ${b} into ${a}`) });
    const after = await lookup({ identifier: p2, section: 'card' }, as('admin'));
    expect(after.kind === 'profile' && after.profile.unified_id).toBe(a);
    expect(after.kind === 'profile' && after.profile.merged_ids).toContain(b);
    expect(after.kind === 'profile' && after.profile.assetpro.transaction_value_usdt).toBe(150);
    const [merge] = await h.store.db.select().from(merges).where(eq(merges.loserId, b));
    expect(merge).toMatchObject({ winnerId: a, actor: 'cli:cli:ops', recordType: 'identify', recordId: conflict.recordId });
    const [mergeAlert] = await h.store.db.select().from(alerts).where(and(eq(alerts.unifiedId, a), eq(alerts.kind, 'merge')));
    expect(mergeAlert, 'the merge changed what compliance knows: an alert').toBeDefined();
    const dirty = (await h.store.db.select().from(rollupDirtyDays)).map((d) => d.day);
    expect(dirty).toEqual(expect.arrayContaining(['2026-11-20', '2026-11-21']));
    const [row] = await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id));
    expect(row).toMatchObject({ resolution: 'approved', resolvedBy: 'cli:cli:ops' });
    const audit = await h.store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts approve #${conflict.id}`));
    expect(audit).toMatchObject([{ platform: 'cli', callerId: 'cli:ops', unifiedId: a }]);

    const again = await conflicts({ action: 'approve', id: conflict.id, reason: undefined }, as('admin', 'cli:other'));
    expect(outcome(again)).toEqual({ ok: false, text: expect.stringMatching(new RegExp(`^Conflict #${conflict.id} was already approved by cli:cli:ops at .* GMT\\+8; nothing changed\\.$`)) });
    expect(await h.store.db.select().from(merges).where(eq(merges.loserId, b))).toHaveLength(1);
  });

  // Planted: the admin check letting compliance through, and dismiss ignoring the note: each fails.
  it('dismisses with a reason, refuses a bad reason and non-admins, and leaves the customers apart', async () => {
    const { a, b, e1, conflict } = await refusedPair();
    const refused = await conflicts({ action: 'dismiss', id: conflict.id, reason: 'x' }, as('compliance'));
    expect(refused).toMatchObject({ kind: 'notice', ok: false, title: 'Only admins review identity conflicts' });
    const bad = await conflicts({ action: 'dismiss', id: conflict.id, reason: 'a'.repeat(501) }, as('admin'));
    expect(bad).toMatchObject({ kind: 'notice', ok: false, lines: ['The note is too long: at most 500 characters.'] });
    const ctl = await conflicts({ action: 'dismiss', id: conflict.id, reason: 'bell \u0007' }, as('admin'));
    expect(ctl).toMatchObject({ kind: 'notice', ok: false });
    expect((await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id)))[0]!.resolvedAt).toBeNull();

    const r = await conflicts({ action: 'dismiss', id: conflict.id, reason: 'two siblings sharing a phone' }, as('admin'));
    expect(outcome(r)).toEqual({ ok: true, text: `Dismissed conflict #${conflict.id}; nothing was merged.` });
    const [row] = await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id));
    expect(row).toMatchObject({ resolution: 'dismissed', resolutionNote: 'two siblings sharing a phone' });
    const found = await lookup({ identifier: e1, section: 'card' }, as('admin'));
    expect(found.kind === 'profile' && found.profile.unified_id).toBe(a);
    expect(found.kind === 'profile' && found.profile.merged_ids).not.toContain(b);
    const approveLater = await conflicts({ action: 'approve', id: conflict.id, reason: undefined }, as('admin'));
    expect(outcome(approveLater)?.text).toContain('was already dismissed');
    expect(await h.store.db.select().from(auditLog).where(like(auditLog.command, `conflicts dismiss #${conflict.id}`))).toHaveLength(1);
    const missing = await conflicts({ action: 'approve', id: 999_999, reason: undefined }, as('admin'));
    expect(outcome(missing)).toEqual({ ok: false, text: 'Conflict #999999 is unchanged: no identity conflict #999999' });
  });

  // Planted: the Slack button running as the first admin instead of the clicker: the compliance
  // click merges and fails here.
  it('lists conflicts in Slack with Approve/Dismiss for an admin; a click re-checks the role and replaces the list', async () => {
    const { a, b, conflict } = await refusedPair();
    const listed = await (await h.command('conflicts', ADMIN).res).json();
    const shown = visible(listed);
    expect(shown).toContain(`#${conflict.id}`);
    expect(shown).toContain('user360_conflict:approve');
    expect(visible(await (await h.command('conflicts', COMP).res).json())).toContain('Only admins review identity conflicts');
    const click = async (user: string) => h.responded(await clickConflict(user, 'approve', conflict.id));
    const byComp = await click(COMP);
    expect(visible(byComp)).toContain('Only admins review identity conflicts');
    expect(byComp.replace_original).toBe(false);
    expect(await h.store.db.select().from(merges).where(eq(merges.loserId, b))).toHaveLength(0);
    const byAdmin = await click(ADMIN);
    expect(byAdmin.replace_original).toBe(true);
    expect(visible(byAdmin)).toContain(`merged ${b} into ${a}`);
    expect(visible(byAdmin)).not.toContain(`"value":"${conflict.id}"`);
    const audit = await h.store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts approve #${conflict.id}`));
    expect(audit).toMatchObject([{ platform: 'slack', callerId: ADMIN }]);
  });

  // Both processes pass a barrier and approve at once; the conditional update on the conflict row lets
  // one merge. Planted: approving without `resolved_at IS NULL` in the update: two "approved", and
  // the second merge of the pair fails the one-row check.
  it('two approvals at once, in two processes, make one merge', async () => {
    const { b, conflict } = await refusedPair();
    const barrier = mkdtempSync(join(tmpdir(), 'user360-barrier-'));
    const worker = (me: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['--import', 'tsx', 'test/support/review-worker.ts', testDbUrl(h.store), 'approve', String(conflict.id), `ops-${me}`], { env: { ...process.env, ...barrierEnv(barrier, me, ['a', 'b']) } }, (err, out, errOut) => (err ? reject(new Error(errOut)) : resolve(out))),
      );
    const outputs = (await Promise.all([worker('a'), worker('b')])).map((o) => JSON.parse(o) as { ok: boolean; text: string; overlapped: boolean });
    expect(outputs.map((o) => o.overlapped), 'each process was inside while the other was').toEqual([true, true]);
    expect(outputs.map((o) => o.ok).sort(), JSON.stringify(outputs)).toEqual([false, true]);
    expect(outputs.find((o) => !o.ok)!.text).toContain('was already approved');
    expect(await h.store.db.select().from(merges).where(eq(merges.loserId, b))).toHaveLength(1);
  }, 90_000);
});

/** A customer whose record named a third wallet (on `chain`) past a limit of two: the guard kept a limit conflict. */
async function refusedWallet(chain = 'polygon') {
  const tight = { ...h.deps, identity: { ...h.deps.identity, limits: { ...h.deps.identity.limits, wallet: 2 } } };
  const [email, record] = [`${uniq('wl')}@example.com`, uniq('wl-')];
  const wallet = getAddress(randomEvm());
  const r = await ingest(tight, [{ type: 'identify', id: record, timestamp: at, identifiers: { email, wallets: [{ chain: 'ethereum', address: randomEvm() }, { chain: 'ethereum', address: randomEvm() }, { chain, address: wallet }] } }]);
  const a = r.unifiedIds[0]!;
  const [conflict] = await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.recordId, record));
  expect(conflict, 'the guard kept the wallet with its chain').toMatchObject({ kind: 'limit', customerIds: [a], identifierType: 'wallet', identifierValue: `evm:${wallet}`, identifierChain: chain });
  return { a, wallet, conflict: conflict! };
}
const profileOf = async (identifier: string) => {
  const r = await lookup({ identifier, section: 'card' }, as('admin'));
  return r.kind === 'profile' ? r.profile : undefined;
};

describe('a refused wallet link', () => {
  // Planted: the conflict kept without its chain (identifierChain dropped in resolve.ts): the
  // refusedWallet check and every test below fail; the wallets row left out of the approval: the
  // profile's wallet on polygon is missing and fails.
  it('is approved from the terminal: the wallet is linked on its chain, in the profile, audited', async () => {
    const { a, wallet, conflict } = await refusedWallet();
    expect(await profileOf(wallet), 'refused: the wallet finds no one').toBeUndefined();
    const r = await conflicts({ action: 'approve', id: conflict.id, reason: undefined }, as('admin'));
    expect(outcome(r)).toEqual({ ok: true, text: `Approved conflict #${conflict.id}: the identifier is linked to ${a}.` });
    const p = await profileOf(wallet);
    expect(p?.unified_id).toBe(a);
    expect(p?.wallets.map((w) => [w.chain, w.address])).toContainEqual(['polygon', wallet]);
    expect(await h.store.db.select().from(wallets).where(eq(wallets.address, wallet))).toMatchObject([{ customerId: a, chain: 'polygon', firstSeenAt: conflict.createdAt }]);
    expect((await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id)))[0]).toMatchObject({ resolution: 'approved', resolvedBy: 'cli:cli:ops' });
    expect(await h.store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts approve #${conflict.id}`))).toMatchObject([{ platform: 'cli', unifiedId: a }]);
  });

  // The wallet's later transfer made an anonymous customer that holds it; approving the link merges
  // that customer in, in the same transaction as the conflict's decision and the audit row.
  // Planted: linkReviewed refusing a held wallet as before (held_elsewhere): the click answers
  // "unchanged" and fails.
  it('is approved from a Slack button when another customer took the wallet since: that customer is merged in', async () => {
    const { a, wallet, conflict } = await refusedWallet('base');
    const t = await ingest(h.deps, [{ type: 'transaction', id: uniq(), timestamp: '2026-11-21T10:00:00+08:00', identifiers: { wallets: [{ chain: 'base', address: wallet }] }, chain: 'base', token: 'USDC', amount: '70', usdt_value: '70', direction: 'in' }]);
    const c = t.unifiedIds[0]!;
    expect(c).not.toBe(a);
    const shown = visible(await h.responded(await clickConflict(ADMIN, 'approve', conflict.id)));
    expect(shown).toContain(`${c} had taken the wallet since; merged ${c} into ${a}, which holds it now.`);
    const p = await profileOf(wallet);
    expect(p?.unified_id).toBe(a);
    expect(p?.merged_ids).toContain(c);
    expect(p?.assetpro.transaction_value_usdt).toBe(70);
    expect(await h.store.db.select().from(merges).where(eq(merges.loserId, c))).toMatchObject([{ winnerId: a, keyType: 'wallet', keyValue: `evm:${wallet}`, actor: `slack:${ADMIN}` }]);
    expect(await h.store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts approve #${conflict.id}`))).toMatchObject([{ platform: 'slack', callerId: ADMIN, unifiedId: a }]);
  });

  // Planted: the chain check removed (an old row linked with no chain): the approval "succeeds" with
  // no wallets row and fails.
  it('kept before the chain was recorded: approve says why and changes nothing, dismiss still works', async () => {
    const { wallet, conflict } = await refusedWallet();
    await h.store.write((tx) => tx.update(identityConflicts).set({ identifierChain: null }).where(eq(identityConflicts.id, conflict.id)));
    const r = await conflicts({ action: 'approve', id: conflict.id, reason: undefined }, as('admin'));
    expect(outcome(r)).toEqual({ ok: false, text: `Conflict #${conflict.id} is unchanged: conflict #${conflict.id} was kept before User 360 recorded a refused wallet's chain, so it cannot be approved; dismiss it, and send the record again after raising IDENTIFIER_LIMITS (wallet=…)` });
    expect((await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id)))[0]!.resolvedAt).toBeNull();
    expect(await h.store.db.select().from(identifiers).where(eq(identifiers.value, `evm:${wallet}`))).toEqual([]);
    expect(await h.store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts approve #${conflict.id}`))).toEqual([]);
    const d = await conflicts({ action: 'dismiss', id: conflict.id, reason: 'an old row' }, as('admin'));
    expect(outcome(d)).toEqual({ ok: true, text: `Dismissed conflict #${conflict.id}; nothing was merged.` });
  });
});

/** Submits the dismiss modal as Slack would, with the metadata it was opened with. */
const submitReason = (user: string, privateMetadata: string, reason: string) => h.submitView(user, 'user360_conflict_dismiss', privateMetadata, { block: 'user360_reason', action: 'reason' }, reason);

describe('dismissing from a chat button asks why', () => {
  // Planted: the Dismiss button deciding at once without a reason (as before): no views.open and the
  // test fails; the reason passed to the command without parseNote's length check (note.max 5000):
  // the 501-character reason is stored and fails; conflictText without escape(): the mention survives.
  it('Slack: the role first, a modal for the reason, the reason checked, stored with the decision and audit row, escaped when shown', async () => {
    const { a, b, conflict } = await refusedPair();
    const opened = h.api.callsTo('views.open').length;
    const byComp = await h.responded(await clickConflict(COMP, 'dismiss', conflict.id));
    expect(visible(byComp)).toContain('Only admins review identity conflicts');
    expect(h.api.callsTo('views.open')).toHaveLength(opened);

    const listUrl = await clickConflict(ADMIN, 'dismiss', conflict.id);
    await h.api.waitFor('views.open', opened + 1, 5000);
    const open = h.api.callsTo('views.open').at(-1)!.body as { view: string | Record<string, any> };
    const view = typeof open.view === 'string' ? JSON.parse(open.view) : open.view;
    expect(view).toMatchObject({ type: 'modal', callback_id: 'user360_conflict_dismiss', blocks: [{ block_id: 'user360_reason', element: { min_length: 1, max_length: 500 } }] });
    expect(JSON.parse(view.private_metadata)).toEqual({ k: conflict.id, c: 'C1', r: listUrl });
    expect(h.api.callsTo('response_url').filter((c) => c.path === new URL(listUrl).pathname), 'the list waits for the reason').toEqual([]);

    const errors = async (res: Response) => {
      const text = await res.text();
      return text ? (JSON.parse(text) as { errors?: Record<string, string> }).errors?.user360_reason : undefined;
    };
    expect(await errors(await submitReason(ADMIN, view.private_metadata, '  '))).toContain('The reason is empty');
    expect(await errors(await submitReason(ADMIN, view.private_metadata, 'r'.repeat(501)))).toContain('at most 500 characters');
    expect(await errors(await submitReason(ADMIN, view.private_metadata, 'bell \u0007'))).toContain('control characters');
    expect(await errors(await submitReason(COMP, view.private_metadata, 'not mine'))).toContain('Only admins review identity conflicts');
    const forged = JSON.stringify({ ...JSON.parse(view.private_metadata), r: 'https://evil.example/hook' });
    expect(await errors(await submitReason(ADMIN, forged, 'fine'))).toContain('no longer valid');
    expect((await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id)))[0]!.resolvedAt).toBeNull();

    const reason = 'Twins <!channel> *same* phone, see <https://evil.example|docs>';
    expect((await submitReason(ADMIN, view.private_metadata, reason)).status).toBe(200);
    const replaced = await h.responded(listUrl);
    expect(replaced).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(visible(replaced)).toContain(`Dismissed conflict #${conflict.id}; nothing was merged.`);
    expect(visible(replaced)).not.toContain(`"value":"${conflict.id}"`);
    expect((await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id)))[0]).toMatchObject({ resolution: 'dismissed', resolvedBy: `slack:${ADMIN}`, resolutionNote: reason });
    expect(await h.store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts dismiss #${conflict.id}`))).toMatchObject([{ platform: 'slack', callerId: ADMIN, channelId: 'C1' }]);
    expect(await h.store.db.select().from(merges).where(and(eq(merges.winnerId, a), eq(merges.loserId, b)))).toEqual([]);

    const shown = visible(await (await h.command('conflicts all', ADMIN).res).json());
    expect(shown).toContain('Dismissed by slack:');
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil.example');
    expect(await errors(await submitReason(ADMIN, view.private_metadata, 'again'))).toMatch(new RegExp(`^Conflict #${conflict.id} was already dismissed by slack:${ADMIN} at .*; nothing changed\\.$`));
    expect((await h.store.db.select().from(identityConflicts).where(eq(identityConflicts.id, conflict.id)))[0]!.resolutionNote, 'a second submission changes nothing').toBe(reason);
  });
});
