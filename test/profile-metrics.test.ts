import { describe, expect, it } from 'vitest';
import { body, createTestApp } from './support/app.ts';
import { ingest, randomEvm, uniq } from './support/factories.ts';

// "Now" is 2026-11-25 12:00 GMT+8, so today is 2026-11-25 and yesterday 2026-11-24.
const t = await createTestApp();
const ext = uniq('c-');
const email = `${uniq('dna')}@example.com`;
const evm = randomEvm();
const tron = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const ids = { external_id: ext };
const tx = (ts: string, chain: string, address: string, token: string, usdt: string) => ({
  type: 'transaction', id: uniq('t'), timestamp: ts, identifiers: { wallets: [{ chain, address }] }, chain, token, amount: usdt, usdt_value: usdt, direction: 'in',
});
const purchase = (ts: string, amount: number, items: [string, string, number, number][]) => ({
  type: 'purchase', id: uniq('p'), timestamp: ts, identifiers: ids, order_id: uniq('o'), amount, currency: 'TWD',
  items: items.map(([name, category, quantity, price]) => ({ name, category, quantity, price })),
});

await ingest(t.deps, [
  { type: 'identify', id: uniq(), timestamp: '2026-11-01T09:00:00+08:00', identifiers: { external_id: ext, email, phone: '+82 10 2345 6789', wallets: [{ chain: 'ethereum', address: evm }, { chain: 'tron', address: tron }] },
    traits: { name: 'Dana Kim', gender: 'female', birth_date: '1990-04-02', membership_level: 'gold', platform: 'iOS', tags: ['vip'] } },
  { type: 'kyc', id: uniq(), timestamp: '2026-11-02T10:00:00+08:00', identifiers: { email }, status: 'pending', risk_score: 40, applied_at: '2026-11-02T10:00:00+08:00', form_number: 'F-9', document_id: 'A123456789', tasks: [{ id: 'T-1', name: 'IDV', status: 'open' }] },
  { type: 'kyc', id: uniq(), timestamp: '2026-11-24T23:59:59+08:00', identifiers: { email }, status: 'verified', risk_score: 80, approved_at: '2026-11-24T23:59:59+08:00', tasks: [{ id: 'T-1', name: 'IDV', status: 'done' }] },
  tx('2026-11-24T23:59:59+08:00', 'ethereum', evm, 'USDT', '100.25'),
  tx('2026-11-25T00:00:00+08:00', 'bsc', evm, 'USDC', '50'),
  tx('2026-11-19T00:00:00+08:00', 'tron', tron, 'USDT', '1000'),
  tx('2026-11-18T23:59:59+08:00', 'tron', tron, 'USDT', '7'),
  { type: 'event', timestamp: '2026-11-20T08:00:00+08:00', identifiers: ids, name: 'session_start', session_id: 's1', device: { id: 'd-old', model: 'Pixel 6', os: 'Android 14', country: 'KR' } },
  { type: 'event', timestamp: '2026-11-23T08:00:00+08:00', identifiers: ids, name: 'session_start', session_id: 's2', device: { id: 'd-new', model: 'iPhone 15', os: 'iOS 18', browser: null, library_version: '2.1.0', country: 'TW', city: 'Taipei', language: 'zh-TW', timezone: 'Asia/Taipei' } },
  { type: 'event', timestamp: '2026-11-23T08:05:00+08:00', identifiers: ids, name: 'page_view', session_id: 's2' },
  // Tuesday 2026-11-24 20:00 and 20:30, Monday 2026-11-23 09:00 (GMT+8); one purchase today is not counted yet.
  purchase('2026-11-24T20:00:00+08:00', 1200, [['Desk lamp', 'Home', 1, 1200]]),
  purchase('2026-11-24T20:30:00+08:00', 900, [['Tea set', 'Home', 1, 900]]),
  purchase('2026-11-23T09:00:00+08:00', 3000, [['Keyboard', 'Electronics', 1, 3000]]),
  purchase('2026-06-03T14:00:00+08:00', 500, [['Novel', 'Books', 2, 250]]),
  purchase('2026-11-25T09:00:00+08:00', 99999, [['Yacht', 'Luxury', 1, 99999]]),
]);

describe('GET /v1/profiles/:identifier', () => {
  it('returns every section of the User DNA with figures from the records', async () => {
    const res = await t.get(`/v1/profiles/${encodeURIComponent(email.toUpperCase())}`);
    const p = await body(res);
    expect(res.status, JSON.stringify(p)).toBe(200);
    expect(p.unified_id).toMatch(/^u_/);
    // Exactly these five, not "contains these five" (planted: the profile listing one identifier the
    // customer does not hold: fails here, passed the old arrayContaining).
    expect(p.identifiers).toEqual([{ type: 'external_id', value: ext }, { type: 'email', value: email }, { type: 'phone', value: '+821023456789' }, { type: 'wallet', value: expect.stringMatching(new RegExp(`^${evm}$`, 'i')) }, { type: 'wallet', value: tron }]);
    expect(p.basic).toMatchObject({ name: 'Dana Kim', avatar_initial: 'D', platforms: ['ios'], membership_level: 'gold', gender: 'female', birth_date: '1990-04-02', age_group: '30-39', tags: ['vip'] });
    expect(p.activity).toMatchObject({ events_count: 3, sessions_count: 2, first_seen: '2026-06-03T06:00:00.000Z', last_activity: '2026-11-25T01:00:00.000Z' });
    expect(p.compliance).toMatchObject({ kyc_status: 'verified', risk_score: 80, risk_level: 'high', form_numbers: ['F-9'], document_id: 'A123456789', tasks: [{ id: 'T-1', name: 'IDV', status: 'done' }], kyc_applied_at: '2026-11-02T02:00:00.000Z' });
    expect(p.wallets.map((w: { chain: string }) => w.chain).sort()).toEqual(['bsc', 'ethereum', 'tron']);
    expect(p.wallets.find((w: { chain: string }) => w.chain === 'tron').explorer_url).toBe(`https://tronscan.org/#/address/${tron}`);
    expect(p.assetpro).toMatchObject({ transaction_count: 4, transaction_value_usdt: 1157.25 });
    expect(p.assetpro.by_token).toEqual([{ token: 'USDT', count: 3, value_usdt: 1107.25 }, { token: 'USDC', count: 1, value_usdt: 50 }]);
    expect(p.assetpro.by_chain).toEqual([{ chain: 'tron', count: 2, value_usdt: 1007 }, { chain: 'ethereum', count: 1, value_usdt: 100.25 }, { chain: 'bsc', count: 1, value_usdt: 50 }]);
    expect(p.purchases).toMatchObject({
      as_of: '2026-11-24', currency: 'TWD', count: 4, amount: 5600,
      windows: { '3m': { count: 3, amount: 5100, average: 1700 }, '6m': { count: 4, amount: 5600, average: 1400 }, '12m': { count: 4, amount: 5600, average: 1400 } },
      top_weekday: 'Tuesday', top_hour: 20,
    });
    // Home: 2 units; Electronics 1 unit (3000) and Books 2 units (500): Books ties Home on units but loses on amount.
    expect(p.purchases.top_categories.map((c: { name: string }) => c.name)).toEqual(['Home', 'Books', 'Electronics']);
    expect(p.purchases.top_items.map((c: { name: string }) => c.name)).toEqual(['Novel', 'Keyboard', 'Desk lamp']);
    expect(p.device).toMatchObject({ device_id: 'd-new', model: 'iPhone 15', os: 'iOS 18', city: 'Taipei', timezone: 'Asia/Taipei', library_version: '2.1.0' });
  });

  it('finds the same profile through type:value spellings, and 404s clearly', async () => {
    const a = await body(await t.get(`/v1/profiles/ext:${ext}`));
    const b = await body(await t.get(`/v1/profiles/${encodeURIComponent(`external_id:${ext}`)}`));
    const c = await body(await t.get(`/v1/profiles/${encodeURIComponent('+82 10-2345-6789')}`));
    expect(new Set([a.unified_id, b.unified_id, c.unified_id]).size).toBe(1);
    const res = await t.get('/v1/profiles/nobody@example.com');
    expect(res.status).toBe(404);
    expect(await body(res)).toMatchObject({ code: 'not_found', message: expect.stringContaining('nobody@example.com') });
    expect((await t.get('/v1/profiles/%3F%3F')).status).toBe(400);
  });
});

describe('GET /v1/metrics', () => {
  it('cuts days at 00:00 GMT+8', async () => {
    const today = await body(await t.get('/v1/metrics?range=1d'));
    expect(today.range).toMatchObject({ from: '2026-11-25', to: '2026-11-25' });
    expect(today.assetpro).toMatchObject({ transaction_count: 1, transaction_value_usdt: 50 });
    const yesterday = await body(await t.get('/v1/metrics?range=2026-11-24..2026-11-24'));
    expect(yesterday.assetpro).toMatchObject({ transaction_count: 1, transaction_value_usdt: 100.25 });
    expect(yesterday.compliance).toMatchObject({ kyc_verified: 1, kyc_submitted: 0, new_high_risk: 1 });
  });

  it('sums 7d, 30d and all, by token, chain, day and customer', async () => {
    const week = await body(await t.get('/v1/metrics?range=7d'));
    expect(week.range).toMatchObject({ from: '2026-11-19', to: '2026-11-25' });
    expect(week.assetpro).toMatchObject({ transaction_count: 3, transaction_value_usdt: 1150.25 });
    expect(week.assetpro.by_day).toEqual([
      { day: '2026-11-19', count: 1, value_usdt: 1000 },
      { day: '2026-11-24', count: 1, value_usdt: 100.25 },
      { day: '2026-11-25', count: 1, value_usdt: 50 },
    ]);
    const month = await body(await t.get('/v1/metrics?range=30d'));
    expect(month.assetpro.transaction_count).toBe(4);
    // The customer's first record is the purchase of 2026-06-03: new then, not in the last 30 days.
    expect(month.compliance).toMatchObject({ new_customers: 0, kyc_submitted: 1, kyc_verified: 1, pending_queue: 0 });
    expect(month.compliance.customers_by_risk_level).toEqual({ low: 0, low_medium: 0, medium: 0, high: 1, very_high: 0 });
    expect(month.assetpro.top_customers).toEqual([{ unified_id: expect.stringMatching(/^u_/), count: 4, value_usdt: 1157.25 }]);
    const all = await body(await t.get('/v1/metrics?range=all'));
    // `all` starts at the first record of any kind, so the customer is new in it.
    expect(all.range.from).toBe('2026-06-03');
    expect(all.compliance.new_customers).toBe(1);
    expect(all.assetpro.by_chain).toEqual([{ chain: 'tron', count: 2, value_usdt: 1007 }, { chain: 'ethereum', count: 1, value_usdt: 100.25 }, { chain: 'bsc', count: 1, value_usdt: 50 }]);
  });

  it('refuses a malformed range with a clear message', async () => {
    for (const range of ['8x', '2026-11-30..2026-11-01', '2026-02-30..2026-03-01']) {
      const res = await t.get(`/v1/metrics?range=${range}`);
      expect(res.status, range).toBe(400);
      expect(await body(res)).toMatchObject({ code: 'invalid_range' });
    }
  });
});
