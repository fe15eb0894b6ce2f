import type { Store } from '../../db/client.ts';
import type { IdentityConfig } from '../config.ts';
import { ingestRecords, prepareRecords } from '../ingest/ingest.ts';
import { DAY_MS, type Clock } from '../time.ts';
import { makeAddress } from './addresses.ts';
import { seededRandom, type Random } from './random.ts';

// National mobile numbers per region: a fixed prefix and the count of digits that follow it.
const COUNTRIES = [
  { region: 'TW', prefix: '09', digits: 8, city: 'Taipei', lang: 'zh-TW', tz: 'Asia/Taipei' },
  { region: 'KR', prefix: '+82 10', digits: 8, city: 'Seoul', lang: 'ko-KR', tz: 'Asia/Seoul' },
  { region: 'JP', prefix: '+81 90', digits: 8, city: 'Tokyo', lang: 'ja-JP', tz: 'Asia/Tokyo' },
  { region: 'US', prefix: '+1 415 5', digits: 6, city: 'San Francisco', lang: 'en-US', tz: 'America/Los_Angeles' },
  { region: 'VN', prefix: '+84 90', digits: 7, city: 'Hanoi', lang: 'vi-VN', tz: 'Asia/Ho_Chi_Minh' },
  { region: 'TH', prefix: '+66 81', digits: 7, city: 'Bangkok', lang: 'th-TH', tz: 'Asia/Bangkok' },
] as const;
const FIRST = ['Alice', 'Bo-Yu', 'Chen', 'Da-Eun', 'Emi', 'Farah', 'Gao', 'Hana', 'Ivan', 'Jia', 'Kenji', 'Linh', 'Min-jun', 'Nok', 'Oscar', 'Pei', 'Quan', 'Rin', 'Sora', 'Tuan'];
const LAST = ['Chen', 'Lin', 'Kim', 'Park', 'Sato', 'Suzuki', 'Nguyen', 'Tran', 'Smith', 'Wang', 'Huang', 'Lee', 'Tanaka', 'Srisuk'];
const CHAINS = ['ethereum', 'bsc', 'polygon', 'arbitrum', 'base', 'tron', 'solana', 'bitcoin'] as const;
const TOKENS: Record<string, string[]> = { tron: ['USDT', 'TRX'], solana: ['USDC', 'SOL'], bitcoin: ['BTC'] };
const PRICES: Record<string, number> = { USDT: 1, USDC: 1, ETH: 3200, BNB: 600, BTC: 90000, TRX: 0.2, SOL: 180, MATIC: 0.7 };
const ITEMS = [
  ['Desk lamp', 'Home', 1200], ['Mechanical keyboard', 'Electronics', 3200], ['Hardware wallet', 'Electronics', 4500], ['Tea set', 'Home', 900],
  ['Running shoes', 'Sports', 2800], ['Yoga mat', 'Sports', 700], ['Novel', 'Books', 380], ['Backpack', 'Fashion', 1600],
] as const;
const DEVICES = [['iPhone 15', 'iOS 18', null], ['Pixel 8', 'Android 15', null], ['MacBook Air', 'macOS 15', 'Safari 18'], ['ThinkPad', 'Windows 11', 'Chrome 131']] as const;
const STATUSES = ['unverified', 'pending', 'verified', 'rejected'] as const;

type Rec = Record<string, unknown>;

function wallet(rnd: Random, chain: (typeof CHAINS)[number]) {
  const family = chain === 'tron' || chain === 'solana' || chain === 'bitcoin' ? chain : 'evm';
  return { chain, address: makeAddress[family](rnd.bytes(32)) };
}

/** The records of one demo customer, some of which arrive under a second identity that a later record merges. */
function customerRecords(rnd: Random, i: number, now: number): Rec[] {
  const c = rnd.pick(COUNTRIES);
  const first = i === 0 ? 'Alice' : rnd.pick(FIRST);
  const last = i === 0 ? 'Chen' : rnd.pick(LAST);
  const email = i === 0 ? 'alice@example.com' : `${first.toLowerCase().replace(/\W/g, '')}.${last.toLowerCase()}${i}@example.com`;
  const phone = i === 0 ? '0912 345 678' : `${c.prefix}${String(rnd.int(0, 10 ** c.digits - 1)).padStart(c.digits, '0')}`;
  const region = i === 0 ? COUNTRIES[0] : c;
  const ext = `c-${1001 + i}`;
  const wallets = Array.from({ length: rnd.int(1, 3) }, () => wallet(rnd, rnd.pick(CHAINS)));
  const start = now - rnd.int(5, 60) * DAY_MS - rnd.int(0, DAY_MS);
  const ts = (ms: number) => new Date(Math.min(ms, now)).toISOString();
  const records: Rec[] = [];
  const merged = i % 9 === 4; // these customers first appear by wallet only, then a later record links them
  const mainIds = { external_id: ext, email, phone: region.region === 'TW' || phone.startsWith('+') ? phone : `${phone}` };
  records.push({
    type: 'identify', id: `demo-id-${i}`, timestamp: ts(start),
    identifiers: merged ? { wallets: [wallets[0]] } : { ...mainIds, kakao_id: rnd.chance(0.3) ? `${first.toLowerCase()}_k${i}` : undefined, line_id: rnd.chance(0.3) ? `${first.toLowerCase()}_l${i}` : undefined, wallets },
    traits: {
      name: `${first} ${last}`, gender: rnd.pick(['female', 'male', 'other']), birth_date: `${rnd.int(1960, 2004)}-0${rnd.int(1, 9)}-1${rnd.int(0, 9)}`,
      membership_level: rnd.pick(['basic', 'silver', 'gold', 'platinum']), platform: rnd.pick(['ios', 'android', 'web']), tags: rnd.chance(0.2) ? ['vip'] : [],
    },
  });
  if (merged) records.push({ type: 'identify', id: `demo-link-${i}`, timestamp: ts(start + DAY_MS), identifiers: { ...mainIds, wallets } });
  const status = i === 0 ? 'verified' : STATUSES[i % 4]!;
  if (status !== 'unverified') {
    const score = i === 0 ? 30 : [5, 30, 60, 80, 100][rnd.int(0, 4)]!;
    records.push({ type: 'kyc', id: `demo-kyc-${i}-a`, timestamp: ts(start + 2 * DAY_MS), identifiers: { email }, status: 'pending', risk_score: Math.max(0, score - 20), applied_at: ts(start + 2 * DAY_MS), form_number: `F-${String(i + 1).padStart(4, '0')}` });
    if (status !== 'pending') {
      records.push({
        type: 'kyc', id: `demo-kyc-${i}-b`, timestamp: ts(start + 3 * DAY_MS), identifiers: { email }, status, risk_score: score,
        approved_at: status === 'verified' ? ts(start + 3 * DAY_MS) : undefined, document_id: `${region.region}${String(rnd.int(10 ** 8, 10 ** 9 - 1))}`,
        tasks: [{ id: `T-${i}-1`, name: 'Identity document', status: 'done' }, { id: `T-${i}-2`, name: 'Proof of address', status: status === 'verified' ? 'done' : 'failed' }],
        reason: status === 'rejected' ? 'document could not be verified' : undefined,
      });
    }
  }
  const txCount = rnd.int(0, 25);
  for (let t = 0; t < txCount; t++) {
    const w = rnd.pick(wallets);
    const token = rnd.pick(TOKENS[w.chain] ?? ['USDT', 'USDC', 'ETH']);
    const usdt = Math.round(rnd.next() ** 3 * 20000 * 100) / 100 + 1;
    const at = start + rnd.next() * (now - start);
    records.push({
      type: 'transaction', id: `demo-tx-${i}-${t}`, timestamp: ts(at), identifiers: { wallets: [w] }, chain: w.chain, token,
      amount: (usdt / (PRICES[token] ?? 1)).toFixed(6), usdt_value: usdt.toFixed(2), direction: rnd.pick(['in', 'out']), tx_hash: `0x${Buffer.from(rnd.bytes(32)).toString('hex')}`,
    });
  }
  const device = rnd.pick(DEVICES);
  for (let s = 0, sessions = rnd.int(1, 6); s < sessions; s++) {
    const at = start + rnd.next() * (now - start);
    for (const name of ['session_start', 'page_view', 'page_view']) {
      records.push({
        type: 'event', timestamp: ts(at), identifiers: { external_id: ext }, name, session_id: `s-${i}-${s}`,
        device: { id: `d-${i}`, model: device[0], os: device[1], browser: device[2], library_version: '2.1.0', country: region.region, city: region.city, language: region.lang, timezone: region.tz },
      });
    }
  }
  for (let p = 0, n = rnd.int(0, 6); p < n; p++) {
    const items = Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(ITEMS)).map(([name, category, price]) => ({ name, category, quantity: rnd.int(1, 2), price }));
    records.push({
      type: 'purchase', id: `demo-p-${i}-${p}`, timestamp: ts(start + rnd.next() * (now - start)), identifiers: { external_id: ext }, order_id: `o-${i}-${p}`,
      amount: items.reduce((s, it) => s + it.price * it.quantity, 0), currency: 'TWD', items,
    });
  }
  return records;
}

export function demoRecords(count: number, now: number, seed = 360): Rec[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => customerRecords(rnd, i, now)).flat();
}

/** Loads the demo through the same validation and ingest path as the API, in batches. */
export async function seedDemo(deps: { store: Store; identity: IdentityConfig; clock: Clock }, count = 1000, seed = 360) {
  const records = demoRecords(count, deps.clock().getTime(), seed);
  const total = { accepted: 0, duplicates: 0, ignored: 0, rejected: 0 };
  for (let i = 0; i < records.length; i += 5000) {
    // A random national number can fall outside a country's allocated ranges; the demo drops those records.
    const { records: ok, issues } = prepareRecords(records.slice(i, i + 5000), deps.identity, deps.clock().getTime());
    total.rejected += new Set(issues.map((x) => x.index)).size;
    const r = await ingestRecords(deps, ok, 'seed');
    total.accepted += r.accepted;
    total.duplicates += r.duplicates;
    total.ignored += r.ignored;
  }
  return total;
}
