/**
 * The request examples of the OpenAPI document (SPEC §3 shapes). test/openapi.test.ts checks each
 * against the schema it documents and posts it to the real app, so an example that the API would
 * refuse cannot be published.
 */
const at = '2026-11-20T10:00:00+08:00';
const wallet = { chain: 'ethereum', address: '0x52908400098527886E0F7030069857D2E4169EE7' };

export const EXAMPLES = {
  identify: {
    type: 'identify', id: 'e-1', timestamp: at,
    identifiers: { external_id: 'c-1001', email: 'Alice@Example.com', phone: '0912 345 678', kakao_id: 'alice_k', line_id: 'alice_l', wallets: [wallet] },
    traits: { name: 'Alice Chen', gender: 'female', birth_date: '1990-04-02', membership_level: 'gold', platform: 'ios', tags: ['vip'], company: 'acme' },
  },
  kyc: {
    type: 'kyc', id: 'k-1', timestamp: at, identifiers: { email: 'alice@example.com' }, status: 'verified', risk_score: 30,
    applied_at: '2026-11-18T09:00:00+08:00', approved_at: at, form_number: 'F-0001', document_id: 'A123456789',
    tasks: [{ id: 'T-1', name: 'IDV', status: 'done' }],
  },
  transaction: {
    type: 'transaction', id: 't-1', timestamp: at, identifiers: { wallets: [{ chain: 'tron', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }] },
    chain: 'tron', token: 'USDT', amount: '120.5', usdt_value: '120.5', direction: 'in', tx_hash: '9f1c0e2a7b',
  },
  event: {
    type: 'event', id: 'v-1', timestamp: at, identifiers: { external_id: 'c-1001' }, name: 'session_start', session_id: 's-9',
    device: { id: 'd-1', model: 'iPhone 15', os: 'iOS 18', library_version: '2.1.0', country: 'TW', city: 'Taipei', language: 'zh-TW', timezone: 'Asia/Taipei' },
  },
  purchase: {
    type: 'purchase', id: 'p-1', timestamp: at, identifiers: { external_id: 'c-1001' }, order_id: 'o-1', amount: '1200', currency: 'TWD',
    items: [{ name: 'Desk lamp', category: 'Home', quantity: 1, price: '1200' }],
  },
} as const;

export const BATCH_EXAMPLE = [EXAMPLES.identify, EXAMPLES.transaction].map((r) => ({ ...r, id: `b-${r.id}` }));
export const NDJSON_EXAMPLE = BATCH_EXAMPLE.map((r) => JSON.stringify({ ...r, id: `n-${r.id}` })).join('\n') + '\n';
