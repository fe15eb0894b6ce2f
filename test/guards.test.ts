// The identity guards of SPEC §1 at their exact edges, with the values config supplies by default.
// Each edge is tested on both sides: at the limit (allowed) and one past it (refused), so shifting a
// comparison by one fails here. Faults planted to see these fail are named beside each test.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { customers, identityConflicts, merges } from '../db/schema/index.ts';
import { DEFAULT_BLOCKED_VALUES } from '../src/identity/normalize.ts';
import { splitCustomer } from '../src/identity/split.ts';
import { findCustomer } from '../src/profile/find.ts';
import { parseConfig } from '../src/config.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { identify, ingest, randomEvm, uniq } from './support/factories.ts';

const store = await createTestStore();
const clock = settableClock('2026-11-25T12:00:00+08:00');
/** The defaults, exactly as a deployment with no settings gets them. */
const defaults = testConfig();
const deps = { store, identity: defaults.identity, clock };
const find = async (q: string, cfg = defaults.identity) => (await findCustomer(store, q, cfg)).unifiedId;
const email = (p = 'e') => `${uniq(p)}@example.com`;
const conflictsFor = (value: string) => store.db.select().from(identityConflicts).where(eq(identityConflicts.identifierValue, value));

describe('configuration defaults', () => {
  // Planted: IDENTIFIER_LIMITS default email=5 → 6, DEFAULT_PHONE_REGION TW → US, MAX_BODY_BYTES 5 MiB → 5 MB,
  // SEED_DEMO auto → true: each fails this table.
  it('supplies every documented default when nothing is set', () => {
    const c = parseConfig({});
    expect(c).toEqual({
      databaseUrl: 'file:./data/user360.db',
      databaseAuthToken: undefined,
      database: { syncUrl: undefined, syncInterval: undefined, timeoutMs: 10_000 },
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      identity: { defaultRegion: 'TW', blocked: [], limits: { external_id: 1, email: 5, phone: 5, wallet: 50 } },
      maxBodyBytes: 5_242_880,
      seedDemo: 'auto',
      ingestThread: false,
      slack: undefined,
      discord: undefined,
      digest: { cron: '59 23 * * *', timezone: 'Asia/Taipei' },
      segmentRefreshMs: 60_000,
    });
  });

  it('parses BLOCKED_IDENTIFIERS and IDENTIFIER_LIMITS, and external_id stays 1 whatever is set', () => {
    const c = parseConfig({ BLOCKED_IDENTIFIERS: ' guest , N/A-2 ,,', IDENTIFIER_LIMITS: 'email=2, kakao_id=3, external_id=9' });
    expect(c.identity.blocked).toEqual(['guest', 'N/A-2']);
    expect(c.identity.limits).toEqual({ external_id: 1, email: 2, phone: 5, wallet: 50, kakao_id: 3 });
    expect(() => parseConfig({ IDENTIFIER_LIMITS: 'email=0' })).toThrow(/IDENTIFIER_LIMITS/);
    expect(() => parseConfig({ SEED_DEMO: 'yes' })).toThrow(/SEED_DEMO/);
  });

  // The defaults skip the check (it costs the terminal ICU's zone data); a value that is set must pass it.
  // Planted: the DIGEST_TIMEZONE refine dropped → 'Mars/Olympus' is accepted and this fails; the
  // default changed to 'Asia/Taipe' → the Intl line throws.
  it('checks a DIGEST_TIMEZONE or DIGEST_CRON that is set, and the defaults are valid', () => {
    expect(() => parseConfig({ DIGEST_TIMEZONE: 'Mars/Olympus' })).toThrow(/DIGEST_TIMEZONE: must be an IANA time zone/);
    expect(() => parseConfig({ DIGEST_CRON: '61 23 * * *' })).toThrow(/DIGEST_CRON: must be a cron expression/);
    expect(parseConfig({ DIGEST_TIMEZONE: 'Europe/Berlin', DIGEST_CRON: '0 8 * * 1' }).digest).toEqual({ cron: '0 8 * * 1', timezone: 'Europe/Berlin' });
    const { digest } = parseConfig({});
    expect(new Intl.DateTimeFormat('en', { timeZone: digest.timezone }).resolvedOptions().timeZone).toBe('Asia/Taipei');
    expect(cron.validate(digest.cron)).toBe(true);
  });

  // The list is spelled out here rather than imported, so dropping a value from the product fails.
  // Planted: removed 'n/a' from DEFAULT_BLOCKED_VALUES → the 'n/a' row fails.
  const BLOCKED = ['', 'null', 'undefined', 'nil', 'none', 'n/a', 'na', 'nan', '-', '0', '-1', 'anonymous', 'unknown', 'test', '[object object]', 'test@test.com'];
  it('blocks exactly the documented placeholder values', () => expect([...DEFAULT_BLOCKED_VALUES]).toEqual(BLOCKED));
  it.each(BLOCKED.filter(Boolean))('ignores a record whose only identifier is the placeholder %j (any case)', async (value) => {
    const r = await ingest(deps, [identify({ kakao_id: value.toUpperCase() })]);
    expect(r).toMatchObject({ accepted: 0, ignored: 1 });
  });

  // Planted: collectIdentifiers ignoring cfg.blocked → the extra value links, this fails.
  it('BLOCKED_IDENTIFIERS adds placeholders that link nothing', async () => {
    const cfg = parseConfig({ BLOCKED_IDENTIFIERS: 'guest,walk-in' }).identity;
    const [a] = (await ingest({ ...deps, identity: cfg }, [identify({ email: email('a'), kakao_id: 'Guest' })])).unifiedIds;
    const [b] = (await ingest({ ...deps, identity: cfg }, [identify({ email: email('b'), kakao_id: 'guest' })])).unifiedIds;
    expect(a).not.toBe(b);
    expect(await ingest({ ...deps, identity: cfg }, [identify({ line_id: 'WALK-IN' })])).toMatchObject({ accepted: 0, ignored: 1 });
    expect(await find('kakao:guest')).toBeNull();
    // Without the setting the same value is an ordinary identifier.
    expect(await ingest(deps, [identify({ line_id: 'walk-in' })])).toMatchObject({ accepted: 1, ignored: 0 });
  });
});

describe('per-type limits at exactly the default limit', () => {
  const phones = (n: number) => Array.from({ length: n }, (_, i) => `+886 912 ${String(100 + Math.floor(Math.random() * 900))} ${String(100 + i)}`);
  // Planted: `count >= limit` → `count > limit` in IdentityResolver.link (one more links) and
  // `count + 1 >= limit` (the last allowed one is refused): both fail every row; FALLBACK_IDENTIFIER_LIMIT
  // 20 → 21 fails the kakao_id row.
  it.each([
    ['email', 5, (n: number) => ({ email: Array.from({ length: n }, () => email()) })],
    ['phone', 5, (n: number) => ({ phone: phones(n) })],
    ['wallet', 50, (n: number) => ({ wallets: Array.from({ length: n }, () => ({ chain: 'ethereum', address: randomEvm() })) })],
    ['external_id', 1, (n: number) => ({ external_id: Array.from({ length: n }, () => uniq('ext')) })],
    ['kakao_id (the fallback of 20)', 20, (n: number) => ({ kakao_id: Array.from({ length: n }, () => uniq('k')) })],
  ] as const)('%s: %i values link, one more is refused and kept as a conflict', async (_name, limit, make) => {
    const all = make(limit + 1) as Record<string, unknown[]>;
    const [key] = Object.keys(all) as [string];
    const values = all[key]!;
    // The one past the limit arrives with an identifier the customer already holds (an email, or
    // for the email row its first email), so it is about the same customer.
    const anchor = key === 'email' ? {} : { email: email('anchor') };
    const one = (v: unknown[]) => (key === 'external_id' ? v[0] : v);
    const [uid] = (await ingest(deps, [identify({ [key]: one(values.slice(0, limit)), ...anchor })])).unifiedIds;
    const counts = await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM identifiers i JOIN customers c ON c.id = i.customer_id WHERE c.root_id = ${uid!} AND i.type = ${key === 'wallets' ? 'wallet' : key}`);
    expect(Number(counts[0]!.n), `${limit} values at the limit all link`).toBe(limit);
    await ingest(deps, [identify(key === 'email' ? { email: [values[0], values[limit]] } : { [key]: one([values[limit]]), ...anchor })]);
    const after = await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM identifiers i JOIN customers c ON c.id = i.customer_id WHERE c.root_id = ${uid!} AND i.type = ${key === 'wallets' ? 'wallet' : key}`);
    expect(Number(after[0]!.n), 'one past the limit is not linked').toBe(limit);
    const refused = await store.db
      .select()
      .from(identityConflicts)
      .where(and(eq(identityConflicts.kind, 'limit'), sql`${identityConflicts.customerIds} LIKE ${`%${uid}%`}`));
    expect(refused).toHaveLength(1);
  });

  // Planted: `total > this.limit(type)` → `>=` in mergeRefusal (5 emails together refused) and `> limit + 1`
  // (6 together allowed): each fails one half.
  it('merges two customers whose emails add up to exactly 5, refuses 6', async () => {
    const [a1, a2, a3, b1, b2] = [email(), email(), email(), email(), email()];
    const [a] = (await ingest(deps, [identify({ email: [a1, a2, a3] })])).unifiedIds;
    const [b] = (await ingest(deps, [identify({ email: [b1, b2] })])).unifiedIds;
    await ingest(deps, [identify({ email: [a1, b1] })]);
    expect(await find(b1), '3 + 2 = 5 emails: merged').toBe(a);
    expect(b).not.toBe(a);

    const [c1, c2, c3, d1, d2, d3] = [email(), email(), email(), email(), email(), email()];
    const [c] = (await ingest(deps, [identify({ email: [c1, c2, c3] })])).unifiedIds;
    const [d] = (await ingest(deps, [identify({ email: [d1, d2, d3] })])).unifiedIds;
    await ingest(deps, [identify({ email: [c1, d1] })]);
    expect(await find(d1), '3 + 3 = 6 emails: refused').toBe(d);
    expect(await find(c1)).toBe(c);
    const refused = await store.db.select().from(identityConflicts).where(eq(identityConflicts.kind, 'limit'));
    expect(refused.some((r) => r.customerIds.includes(c!) && r.customerIds.includes(d!))).toBe(true);
  });
});

describe('the merge cap', () => {
  // Planted: `a.length + b.length - 1 > MAX` → `>=` (the 100th merge refused) and MAX_MERGES_PER_CUSTOMER
  // 100 → 101 (the 101st allowed): each fails.
  it('allows exactly 100 merges into one customer and refuses the 101st', async () => {
    const wide = parseConfig({ IDENTIFIER_LIMITS: 'email=1000' }).identity;
    const wdeps = { ...deps, identity: wide };
    const hub = email('hub');
    const [root] = (await ingest(wdeps, [identify({ email: hub })])).unifiedIds;
    clock.advance(1000);
    const others = Array.from({ length: 101 }, () => email('o'));
    const ids = (await ingest(wdeps, others.map((e) => identify({ email: e })))).unifiedIds;
    await ingest(wdeps, others.slice(0, 100).map((e) => identify({ email: [hub, e] })));
    const logged = await store.db.select().from(merges).where(eq(merges.winnerId, root!));
    expect(logged, 'exactly 100 merges are allowed').toHaveLength(100);
    expect(await find(others[99]!, wide)).toBe(root);

    await ingest(wdeps, [identify({ email: [hub, others[100]!] })]);
    expect(await find(others[100]!, wide), 'the 101st is refused').toBe(ids[100]);
    expect(await store.db.select().from(customers).where(eq(customers.rootId, root!))).toHaveLength(101);
    const caps = await store.db.select().from(identityConflicts).where(eq(identityConflicts.kind, 'merge_cap'));
    expect(caps.map((c) => c.customerIds)).toEqual([[root, ids[100]]]);
  });
});

describe('split', () => {
  // Planted: the recursive subtree in splitCustomer reduced to the split customer alone (`WHERE id = …`):
  // B stays with C and this fails.
  it('takes back everything a split customer had itself absorbed, and nothing else', async () => {
    const [ec, ea, eb] = [email('c'), email('a'), email('b')];
    const [c] = (await ingest(deps, [identify({ email: ec })])).unifiedIds;
    clock.advance(1000);
    const [a] = (await ingest(deps, [identify({ email: ea })])).unifiedIds;
    clock.advance(1000);
    const [b] = (await ingest(deps, [identify({ email: eb })])).unifiedIds;
    await ingest(deps, [{ type: 'transaction', id: uniq('t'), timestamp: '2026-11-21T10:00:00+08:00', identifiers: { email: eb }, chain: 'tron', token: 'USDT', amount: '7', usdt_value: '7', direction: 'in' }]);
    await ingest(deps, [identify({ email: [ea, eb] })]); // a absorbs b
    await ingest(deps, [identify({ email: [ec, ea] })]); // c absorbs a (and with it b)
    for (const e of [ec, ea, eb]) expect(await find(e)).toBe(c);

    const r = await store.write((tx) => splitCustomer(tx, a!, 'ops', clock().getTime()));
    expect(r).toMatchObject({ restored: a, from: c });
    expect(await find(ea)).toBe(a);
    expect(await find(eb), 'what a had absorbed goes with a').toBe(a);
    expect(await find(ec)).toBe(c);
    const [{ n }] = (await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM transactions t JOIN customers k ON k.id = t.customer_id WHERE k.root_id = ${a!}`)) as [{ n: number }];
    expect(n, "b's transaction answers to a again").toBe(1);
    // The merge of b into a is still in force; splitting b next separates it from a.
    await store.write((tx) => splitCustomer(tx, b!, 'ops', clock().getTime()));
    expect(await find(eb)).toBe(b);
    expect(await find(ea)).toBe(a);
  });
});

describe('the merge log', () => {
  // Planted: the key taken from the customer kept (`k.rootId === primary`) instead of the one folded,
  // and the key columns left empty: both fail.
  it('records which record, which key and when for every merge', async () => {
    const w = randomEvm();
    const [e1, e2] = [email('key'), email('key')];
    const [a] = (await ingest(deps, [identify({ wallets: [{ chain: 'ethereum', address: w }] })])).unifiedIds;
    clock.advance(1000);
    const [b] = (await ingest(deps, [identify({ email: e1 })])).unifiedIds;
    clock.advance(1000);
    const [c] = (await ingest(deps, [identify({ email: e2 })])).unifiedIds;
    clock.advance(1000);
    const linking = identify({ email: [e1, e2], wallets: [{ chain: 'polygon', address: w }] });
    await ingest(deps, [linking]);
    const log = await store.db.select().from(merges).where(eq(merges.winnerId, a!)).orderBy(merges.id);
    const at = clock().getTime();
    expect(log.map(({ loserId, recordType, recordId, keyType, keyValue, actor, createdAt }) => ({ loserId, recordType, recordId, keyType, keyValue, actor, createdAt }))).toEqual([
      { loserId: b, recordType: 'identify', recordId: linking.id, keyType: 'email', keyValue: e1, actor: 'test', createdAt: at },
      { loserId: c, recordType: 'identify', recordId: linking.id, keyType: 'email', keyValue: e2, actor: 'test', createdAt: at },
    ]);
  });
});
