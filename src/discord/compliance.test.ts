import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { alerts, alertSubscriptions, auditLog, digestSubscriptions, identityConflicts, labels, merges, segments, segmentSubscriptions, wallets } from '../../db/schema/index.ts';
import { getAddress } from 'viem';
import { startFakeDiscordApi, type FakeDiscordApi } from '../../test/fakes/discord-api.ts';
import { generateDiscordKeys, signDiscordRequest } from '../../test/fakes/discord-sign.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { ingest, randomEvm, uniq } from '../../test/support/factories.ts';
import { createApp } from '../app.ts';
import { createLogger } from '../logger.ts';
import { discordRoutes } from './index.ts';

const APP_ID = '555000000000000009';
const ADMIN = '910000000000000001';
const VIEWER = '910000000000000002';
const keys = generateDiscordKeys();
const clock = settableClock(Date.now());
const store = await createTestStore();
let api: FakeDiscordApi;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  api = await startFakeDiscordApi();
  const config = testConfig({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: api.url, DISCORD_ADMINS: ADMIN });
  const log = createLogger('silent');
  app = createApp({ store, config, clock, log, mounts: [{ path: '/discord', app: discordRoutes({ store, identity: config.identity, clock, log, discord: config.discord! }) }] });
});
afterAll(() => api.close());

const send = async (payload: object) => {
  const body = JSON.stringify(payload);
  const res = await app.request('/discord/interactions', { method: 'POST', headers: { ...signDiscordRequest(keys.privateKey, body, String(Math.floor(clock().getTime() / 1000))) }, body });
  return { status: res.status, json: (await res.json()) as { type: number; data?: { flags?: number; embeds?: unknown[]; components?: unknown[] } } };
};
const member = (id: string) => ({ user: { id }, roles: [] });
const command = (user: string, group: string, sub: string, options: object[] = []) =>
  send({ id: uniq('i'), type: 2, token: uniq('t'), channel_id: '42', guild_id: '7', member: member(user), data: { name: 'user360', options: [{ name: group, type: 2, options: [{ name: sub, type: 1, options }] }] } });
const button = (user: string, customId: string, inGuild = true) =>
  send({ id: uniq('i'), type: 3, token: uniq('t'), channel_id: '42', ...(inGuild ? { guild_id: '7', member: member(user) } : { user: { id: user } }), data: { custom_id: customId, component_type: 2 } });

describe('segments and tags on Discord', () => {
  const sub = (user: string, name: string, options: object[] = []) =>
    send({ id: uniq('i'), type: 2, token: uniq('t'), channel_id: '42', guild_id: '7', member: member(user), data: { name: 'user360', options: [{ name, type: 1, options }] } });
  it('creates, lists and subscribes a channel to a segment, and tags a customer, with the roles of chat', async () => {
    const T = uniq('dz').toLowerCase();
    await ingest({ store, identity: testConfig().identity, clock }, [{ type: 'identify', id: uniq(), timestamp: new Date(clock().getTime()).toISOString(), identifiers: { external_id: `${T}-1` }, traits: { name: 'Disc Person', tags: [T] } }]);
    const opt = (name: string, value: string) => ({ name, type: 3, value });
    const no = await command(VIEWER, 'segment', 'create', [opt('name', T), opt('filters', `tag:${T}`)]);
    expect(JSON.stringify(no.json)).toContain('Only compliance and admin roles can create segments');
    const made = await command(ADMIN, 'segment', 'create', [opt('name', T), opt('filters', `tag:${T} kyc:unverified`)]);
    expect(JSON.stringify(made.json)).toContain('saved: 1 customer(s)');
    expect((await store.db.select().from(segments).where(eq(segments.name, T)))[0]).toMatchObject({ query: `tag:${T} kyc:unverified`, size: 1 });
    const subscribed = await command(ADMIN, 'segment', 'subscribe', [opt('name', T), { name: 'channel', type: 7, value: '4242' }]);
    expect(JSON.stringify(subscribed.json)).toContain('will go to <#4242>');
    expect(await store.db.select().from(segmentSubscriptions).where(eq(segmentSubscriptions.target, 'channel:4242'))).toHaveLength(1);
    expect(JSON.stringify((await command(VIEWER, 'segment', 'list')).json)).toContain(`${T}: 1 customer(s)`);
    expect(JSON.stringify((await command(VIEWER, 'segment', 'show', [opt('name', 'nope-none')])).json)).toContain('There is no segment named');
    expect(JSON.stringify((await sub(VIEWER, 'tag', [opt('identifier', `ext:${T}-1`), opt('changes', '+vip')])).json)).toContain('Only compliance and admin roles can change tags');
    expect(JSON.stringify((await sub(ADMIN, 'tag', [opt('identifier', `ext:${T}-1`), opt('changes', '+vip -' + T)])).json)).toContain('Tags of u_');
    expect((await store.db.select().from(labels).where(eq(labels.value, 'vip'))).length).toBeGreaterThan(0);
    expect(await store.db.select().from(labels).where(eq(labels.value, T))).toHaveLength(0);
  });
});

describe('compliance tools on Discord', () => {
  it('subscribes this channel to the digest for an admin and refuses a viewer', async () => {
    const ok = await command(ADMIN, 'digest', 'subscribe');
    expect(JSON.stringify(ok.json)).toContain('This channel will get the daily digest');
    expect(await store.db.select().from(digestSubscriptions).where(eq(digestSubscriptions.channelId, '42'))).toHaveLength(1);
    const no = await command(VIEWER, 'digest', 'unsubscribe');
    expect(JSON.stringify(no.json)).toContain('Only compliance and admin roles');
    const preview = await command(VIEWER, 'digest', 'preview');
    expect(JSON.stringify(preview.json)).toContain('daily digest for');
  });

  it('subscribes the caller to risk alerts from a level, and refuses a viewer', async () => {
    const ok = await command(ADMIN, 'alerts', 'subscribe', [{ name: 'kind', type: 3, value: 'risk' }, { name: 'min-level', type: 3, value: 'high' }]);
    expect(ok.json.data?.flags).toBe(64);
    const [sub] = await store.db.select().from(alertSubscriptions).where(eq(alertSubscriptions.target, `user:${ADMIN}`));
    expect(sub).toMatchObject({ platform: 'discord', filter: 'risk', minLevel: 'high' });
    const no = await command(VIEWER, 'alerts', 'subscribe');
    expect(JSON.stringify(no.json)).toContain('Only compliance and admin roles can subscribe');
  });

  it('acknowledges an alert once, from a compliance user, updating the message; Open profile answers privately', async () => {
    const email = `${uniq('d')}@example.com`;
    await ingest({ store, identity: testConfig().identity, clock }, [
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email }, traits: { name: 'Disco Person' } },
      { type: 'kyc', id: uniq(), timestamp: '2026-11-20T11:00:00+08:00', identifiers: { email }, status: 'pending', risk_score: 80 },
    ]);
    const [alert] = await store.db.select().from(alerts).orderBy(alerts.id).limit(1);
    const refused = await button(VIEWER, `u360:ack:${alert!.id}`);
    expect(refused.json).toMatchObject({ type: 4, data: { flags: 64 } });
    const acked = await button(ADMIN, `u360:ack:${alert!.id}`);
    expect(acked.json.type).toBe(7);
    const shown = JSON.stringify(acked.json.data);
    expect(shown).toContain(`Acknowledged by <@${ADMIN}>`);
    expect(shown).not.toContain('u360:ack:');
    // Not only the name: the email, its local part and the document id stay out too (the old check
    // looked for the name alone; planted: acknowledge showing personal data outside a DM: fails).
    for (const secret of ['Disco Person', email, email.split('@')[0]!]) expect(shown, 'a guild channel message carries no personal data').not.toContain(secret);
    expect((await store.db.select().from(alerts).where(eq(alerts.id, alert!.id)))[0]!.acknowledgedBy).toBe(`discord:${ADMIN}`);
    const again = await button(ADMIN, `u360:ack:${alert!.id}`);
    expect(JSON.stringify(again.json.data)).toContain(`Acknowledged by <@${ADMIN}>`);

    // The same button acts with the role of whoever clicks it: masked for a viewer, whole for an admin.
    // Planted: the open button resolving the caller as admin, and as viewer: each fails one half.
    const open = await button(VIEWER, `u360:open:${alert!.unifiedId}`);
    expect(open.json).toMatchObject({ type: 4, data: { flags: 64 } });
    const masked = JSON.stringify(open.json.data);
    expect(masked).toContain(alert!.unifiedId);
    for (const secret of ['Disco Person', email, email.split('@')[0]!]) expect(masked).not.toContain(secret);
    expect(masked, 'the masked email is shown').toContain('@example.com');
    const whole = JSON.stringify((await button(ADMIN, `u360:open:${alert!.unifiedId}`)).json.data);
    expect(whole).toContain(email);
    expect(whole).toContain('Disco Person');
  });

  // Planted: the modal's note rendered without escape(): the masked link survives and fails.
  it('claims, snoozes and resolves an alert through a modal, updating the message; a viewer is answered privately', async () => {
    const email = `${uniq('dr')}@example.com`;
    await ingest({ store, identity: testConfig().identity, clock }, [
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email }, traits: { name: 'Modal Person' } },
      { type: 'kyc', id: uniq(), timestamp: '2026-11-20T11:00:00+08:00', identifiers: { email }, status: 'pending', risk_score: 80 },
    ]);
    const [alert] = await store.db.select().from(alerts).orderBy(desc(alerts.id)).limit(1);
    const id = alert!.id;
    const byViewer = await button(VIEWER, `u360:claim:${id}`);
    expect(byViewer.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(byViewer.json)).toContain('Only compliance and admin roles can claim alerts');
    const claimed = await button(ADMIN, `u360:claim:${id}`);
    expect(claimed.json.type).toBe(7);
    expect(JSON.stringify(claimed.json.data)).toContain(`Claimed by <@${ADMIN}>`);
    expect(JSON.stringify(claimed.json.data)).not.toContain(`u360:claim:${id}`);
    expect((await store.db.select().from(alerts).where(eq(alerts.id, id)))[0]!.claimedBy).toBe(`discord:${ADMIN}`);

    const snoozed = await button(ADMIN, `u360:snooze:1h:${id}`);
    expect(snoozed.json.type).toBe(7);
    expect(JSON.stringify(snoozed.json.data)).toMatch(/Snoozed by <@910000000000000001> until \d{4}-\d{2}-\d{2} \d{2}:\d{2} GMT\+8/);

    expect((await button(VIEWER, `u360:resolve:${id}`)).json).toMatchObject({ type: 4, data: { flags: 64 } });
    const modal = await button(ADMIN, `u360:resolve:${id}`);
    expect(modal.json).toMatchObject({ type: 9, data: { custom_id: `u360:resolved:${id}`, components: [{ type: 1, components: [{ type: 4, custom_id: 'note', max_length: 500 }] }] } });
    const submit = (user: string, note: string) =>
      send({ id: uniq('i'), type: 5, token: uniq('t'), channel_id: '42', guild_id: '7', member: member(user), data: { custom_id: `u360:resolved:${id}`, components: [{ type: 1, components: [{ type: 4, custom_id: 'note', value: note }] }] } });
    const tooLong = await submit(ADMIN, 'y'.repeat(501));
    expect(tooLong.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(tooLong.json)).toContain('at most 500 characters');
    const resolved = await submit(ADMIN, 'cleared @everyone see [docs](https://evil.example)');
    expect(resolved.json.type).toBe(7);
    const shown = JSON.stringify(resolved.json.data);
    expect(shown).toContain(`Resolved by <@${ADMIN}>`);
    expect(shown).not.toContain('[docs](https://evil.example)');
    expect(shown).not.toContain('@everyone');
    expect(shown).not.toContain('u360:snooze:');
    expect(resolved.json.data).toMatchObject({ allowed_mentions: { parse: [] } });
    for (const secret of ['Modal Person', email]) expect(shown, 'a guild message carries no personal data').not.toContain(secret);
    const again = await submit(ADMIN, 'twice');
    expect(again.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(again.json)).toContain('was already resolved by');
    expect(await store.db.select().from(auditLog).where(eq(auditLog.command, `alerts resolve #${id}`))).toMatchObject([{ platform: 'discord', callerId: ADMIN }]);
  });

  // Planted: the conflicts command skipping its admin check: the viewer's approval merges and fails.
  it('lists identity conflicts for an admin with Approve/Dismiss, and a click decides and updates the list', async () => {
    const deps = { store, identity: testConfig().identity, clock };
    const r = await ingest(deps, [
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: uniq('dx'), email: `${uniq('dc')}@example.com` } },
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: uniq('dx'), line_id: uniq('line') } },
    ]);
    const [a, b] = r.unifiedIds as [string, string];
    const ids = await store.db.select().from(identityConflicts);
    const email = (await store.db.query.identifiers.findFirst({ where: (t, { and: both, eq: e }) => both(e(t.customerId, a), e(t.type, 'email')) }))!.value;
    const line = (await store.db.query.identifiers.findFirst({ where: (t, { and: both, eq: e }) => both(e(t.customerId, b), e(t.type, 'line_id')) }))!.value;
    await ingest(deps, [{ type: 'identify', id: uniq(), timestamp: '2026-11-20T12:00:00+08:00', identifiers: { email, line_id: line } }]);
    const [conflict] = (await store.db.select().from(identityConflicts)).filter((c) => !ids.some((i) => i.id === c.id));
    expect(conflict).toMatchObject({ kind: 'external_id' });
    const list = await send({ id: uniq('i'), type: 2, token: uniq('t'), channel_id: '42', guild_id: '7', member: member(ADMIN), data: { name: 'user360', options: [{ name: 'conflicts', type: 2, options: [{ name: 'list', type: 1 }] }] } });
    expect(JSON.stringify(list.json)).toContain(`u360:conflict:approve:${conflict!.id}`);
    const byViewer = await button(VIEWER, `u360:conflict:approve:${conflict!.id}`);
    expect(byViewer.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(await store.db.select().from(merges).where(eq(merges.loserId, b))).toHaveLength(0);
    const approved = await button(ADMIN, `u360:conflict:approve:${conflict!.id}`);
    expect(approved.json.type).toBe(7);
    // Markdown escapes (u\\_01…) render as the plain id; strip them to read what Discord shows.
    expect(JSON.stringify(approved.json.data).replace(/\\\\/g, '')).toContain(`merged ${b} into ${a}`);
    expect(JSON.stringify(approved.json.data)).not.toContain(`u360:conflict:approve:${conflict!.id}`);
    expect(await store.db.select().from(merges).where(eq(merges.loserId, b))).toHaveLength(1);
  });

  // Planted: the Dismiss button deciding at once (as before): no modal and fails; the modal's reason
  // passed on without the command's note check: the 501-character reason is stored and fails.
  it('dismisses a conflict through a modal asking why: admins only, the reason checked, stored and audited, shown escaped', async () => {
    const deps = { store, identity: testConfig().identity, clock };
    const [x1, x2, e, l] = [uniq('dd'), uniq('dd'), `${uniq('dd')}@example.com`, uniq('line')];
    await ingest(deps, [
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: x1, email: e } },
      { type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: x2, line_id: l } },
    ]);
    const record = uniq('dd-join');
    await ingest(deps, [{ type: 'identify', id: record, timestamp: '2026-11-20T12:00:00+08:00', identifiers: { email: e, line_id: l } }]);
    const [conflict] = await store.db.select().from(identityConflicts).where(eq(identityConflicts.recordId, record));
    const id = conflict!.id;
    expect(JSON.stringify((await button(VIEWER, `u360:conflict:dismiss:${id}`)).json)).toContain('Only admins review identity conflicts');
    const modal = await button(ADMIN, `u360:conflict:dismiss:${id}`);
    expect(modal.json).toMatchObject({ type: 9, data: { custom_id: `u360:dismissed:${id}`, components: [{ type: 1, components: [{ type: 4, custom_id: 'reason', min_length: 1, max_length: 500, required: true }] }] } });
    expect((await store.db.select().from(identityConflicts).where(eq(identityConflicts.id, id)))[0]!.resolvedAt, 'nothing is decided before the reason').toBeNull();
    const submit = (user: string, reason: string) =>
      send({ id: uniq('i'), type: 5, token: uniq('t'), channel_id: '42', guild_id: '7', member: member(user), data: { custom_id: `u360:dismissed:${id}`, components: [{ type: 1, components: [{ type: 4, custom_id: 'reason', value: reason }] }] } });
    const tooLong = await submit(ADMIN, 'r'.repeat(501));
    expect(tooLong.json).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(tooLong.json)).toContain('at most 500 characters');
    expect(JSON.stringify((await submit(ADMIN, ' ')).json)).toContain('The reason is empty');
    expect(JSON.stringify((await submit(VIEWER, 'not mine')).json)).toContain('Only admins review identity conflicts');
    expect((await store.db.select().from(identityConflicts).where(eq(identityConflicts.id, id)))[0]!.resolvedAt).toBeNull();

    const reason = 'siblings @everyone see [docs](https://evil.example) <@&1>';
    const done = await submit(ADMIN, reason);
    expect(done.json.type).toBe(7);
    expect(done.json.data).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(JSON.stringify(done.json.data)).toContain(`Dismissed conflict #${id}; nothing was merged.`);
    expect((await store.db.select().from(identityConflicts).where(eq(identityConflicts.id, id)))[0]).toMatchObject({ resolution: 'dismissed', resolvedBy: `discord:${ADMIN}`, resolutionNote: reason });
    expect(await store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts dismiss #${id}`))).toMatchObject([{ platform: 'discord', callerId: ADMIN, channelId: '42' }]);
    const all = JSON.stringify((await command(ADMIN, 'conflicts', 'all')).json);
    expect(all).toContain('siblings');
    for (const raw of ['@everyone', '[docs](https://evil.example)', '<@&1>']) expect(all, 'the reason is data, not markup').not.toContain(raw);
    expect(JSON.stringify((await submit(ADMIN, 'again')).json)).toContain('was already dismissed');
  });

  // Planted: the conflict kept without its chain: approving answers "unchanged" and fails.
  it('approves a wallet refused over the limit from its button: linked on the chain it was seen on, audited', async () => {
    const identity = testConfig({ IDENTIFIER_LIMITS: 'wallet=1' }).identity;
    const [record, wallet] = [uniq('dw'), getAddress(randomEvm())];
    const r = await ingest({ store, identity, clock }, [{ type: 'identify', id: record, timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: `${uniq('dw')}@example.com`, wallets: [{ chain: 'bsc', address: randomEvm() }, { chain: 'arbitrum', address: wallet }] } }]);
    const [conflict] = await store.db.select().from(identityConflicts).where(eq(identityConflicts.recordId, record));
    expect(conflict).toMatchObject({ kind: 'limit', identifierChain: 'arbitrum' });
    const approved = await button(ADMIN, `u360:conflict:approve:${conflict!.id}`);
    expect(approved.json.type).toBe(7);
    expect(approved.json.data).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(JSON.stringify(approved.json.data).replace(/\\\\/g, '')).toContain(`Approved conflict #${conflict!.id}: the identifier is linked to ${r.unifiedIds[0]}.`);
    expect(await store.db.select().from(wallets).where(eq(wallets.address, wallet))).toMatchObject([{ customerId: r.unifiedIds[0], chain: 'arbitrum' }]);
    expect(await store.db.select().from(auditLog).where(eq(auditLog.command, `conflicts approve #${conflict!.id}`))).toMatchObject([{ platform: 'discord', callerId: ADMIN }]);
  });
});
