/**
 * The benchmark data set, customer by customer. Every customer is rebuilt from (seed, index) alone, so
 * the generator streams records without keeping any, and the bench can name existing identifiers for
 * lookups (or make fresh customers for ingest) without reading the database.
 */
import { makeAddress } from '../../src/seed/addresses.ts';
import { seededRandom, type Random } from '../../src/seed/random.ts';
import { normalizePhone } from '../../src/identity/normalize.ts';
import { DAY_MS, gmt8Day, gmt8DayStart, addDays } from '../../src/time.ts';

export type BenchRecord = Record<string, unknown> & { type: string; id: string; timestamp: string };

export const DEFAULT_NOW = '2026-11-25T12:00:00+08:00';
export const WINDOW_DAYS = 400;
/** Share of all transactions that fall on the peak day (1,000,000 of 10,000,000 at scale 1). */
export const PEAK_SHARE = 0.1;

/** What scale 1 means: SPEC-sized store of an exchange or wallet app. */
export const FULL = { customers: 1_000_000, identifiers: 3_000_000, transactions: 10_000_000, events: 5_000_000, purchases: 1_000_000 };

export interface Plan {
  seed: number;
  scale: number;
  customers: number;
  now: number;
  windowStart: number;
  /** GMT+8 day holding PEAK_SHARE of the transactions: the day before `now`. */
  peakDay: string;
  /** Expected records (about 18.2 a customer); the progress line's denominator. */
  expectedRecords: number;
}

export function makePlan(scale: number, seed = 360, now = DEFAULT_NOW): Plan {
  const customers = Math.max(100, Math.round(FULL.customers * scale));
  const nowMs = Date.parse(now);
  return {
    seed,
    scale,
    customers,
    now: nowMs,
    windowStart: nowMs - WINDOW_DAYS * DAY_MS,
    peakDay: addDays(gmt8Day(nowMs), -1),
    expectedRecords: Math.round(customers * 18.2),
  };
}

// National mobile numbers whose ranges libphonenumber accepts in full; `digits` follow the prefix.
const COUNTRIES = [
  { region: 'TW', prefix: '09', digits: 8, city: 'Taipei', lang: 'zh-TW', tz: 'Asia/Taipei', currency: 'TWD' },
  { region: 'KR', prefix: '+82 10', digits: 8, city: 'Seoul', lang: 'ko-KR', tz: 'Asia/Seoul', currency: 'KRW' },
  { region: 'JP', prefix: '+81 80', digits: 8, city: 'Tokyo', lang: 'ja-JP', tz: 'Asia/Tokyo', currency: 'JPY' },
  { region: 'US', prefix: '+1 415 5', digits: 6, city: 'San Francisco', lang: 'en-US', tz: 'America/Los_Angeles', currency: 'USD' },
  { region: 'VN', prefix: '+84 90', digits: 7, city: 'Hanoi', lang: 'vi-VN', tz: 'Asia/Ho_Chi_Minh', currency: 'VND' },
  { region: 'TH', prefix: '+66 81', digits: 7, city: 'Bangkok', lang: 'th-TH', tz: 'Asia/Bangkok', currency: 'THB' },
  { region: 'ID', prefix: '+62 812', digits: 8, city: 'Jakarta', lang: 'id-ID', tz: 'Asia/Jakarta', currency: 'IDR' },
  { region: 'PH', prefix: '+63 917', digits: 7, city: 'Manila', lang: 'en-PH', tz: 'Asia/Manila', currency: 'PHP' },
] as const;
const FIRST = ['Alice', 'Bo-Yu', 'Chen', 'Da-Eun', 'Emi', 'Farah', 'Gao', 'Hana', 'Ivan', 'Jia', 'Kenji', 'Linh', 'Min-jun', 'Nok', 'Oscar', 'Pei', 'Quan', 'Rin', 'Sora', 'Tuan'];
const LAST = ['Chen', 'Lin', 'Kim', 'Park', 'Sato', 'Suzuki', 'Nguyen', 'Tran', 'Smith', 'Wang', 'Huang', 'Lee', 'Tanaka', 'Srisuk', 'Santos', 'Wijaya'];
const DOMAINS = ['example.com', 'example.net', 'example.org'];
// Weighted chain mix of the wallets customers hold.
const CHAINS = [
  ['ethereum', 25], ['bsc', 15], ['polygon', 10], ['arbitrum', 8], ['base', 7], ['tron', 20], ['solana', 10], ['bitcoin', 5],
] as const;
const EVM = ['ethereum', 'bsc', 'polygon', 'arbitrum', 'base'] as const;
const TOKENS: Record<string, readonly string[]> = { tron: ['USDT', 'USDT', 'TRX'], solana: ['USDC', 'SOL'], bitcoin: ['BTC'], evm: ['USDT', 'USDT', 'USDC', 'ETH'] };
const PRICES: Record<string, number> = { USDT: 1, USDC: 1, ETH: 3200, BTC: 90000, TRX: 0.2, SOL: 180 };
const ITEMS = [
  ['Desk lamp', 'Home', 1200], ['Mechanical keyboard', 'Electronics', 3200], ['Hardware wallet', 'Electronics', 4500], ['Tea set', 'Home', 900],
  ['Running shoes', 'Sports', 2800], ['Yoga mat', 'Sports', 700], ['Novel', 'Books', 380], ['Backpack', 'Fashion', 1600], ['Headphones', 'Electronics', 2600],
] as const;
const DEVICES = [['iPhone 15', 'iOS 18', null], ['Pixel 8', 'Android 15', null], ['Galaxy S24', 'Android 14', null], ['MacBook Air', 'macOS 15', 'Safari 18'], ['ThinkPad', 'Windows 11', 'Chrome 131']] as const;
// Every status and every risk level: 25% never do KYC, the rest end pending, verified or rejected.
const FINAL_STATUS = [['unverified', 25], ['pending', 25], ['verified', 35], ['rejected', 15]] as const;
const SCORES = [[5, 20], [20, 15], [30, 15], [45, 10], [55, 12], [70, 8], [80, 9], [95, 6], [100, 5]] as const;

function weighted<T>(rnd: Random, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = rnd.next() * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1]![0];
}

/** splitmix32: one well-mixed 32-bit seed per customer, so customer i needs no other customer. */
function customerSeed(seed: number, i: number): number {
  let z = (Math.imul(seed, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca77)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

const hex = (rnd: Random, bytes: number) => {
  let s = '';
  for (let i = 0; i < bytes; i += 4) s += ((rnd.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
  return s.slice(0, bytes * 2);
};

export interface Wallet {
  chain: string;
  address: string;
}

export interface Customer {
  index: number;
  externalId: string;
  email?: string;
  /** As the source system sends it (national or +country spelling). */
  phone?: string;
  wallets: Wallet[];
  country: (typeof COUNTRIES)[number];
  signup: number;
  /** First seen by wallet and by external id separately; a later identify record merges the two. */
  lateLink: boolean;
}

function walletOf(rnd: Random): Wallet {
  const chain = weighted(rnd, CHAINS);
  const family = chain === 'tron' || chain === 'solana' || chain === 'bitcoin' ? chain : 'evm';
  const bytes = new Uint8Array(32);
  for (let k = 0; k < 32; k += 4) new DataView(bytes.buffer).setUint32(k, (rnd.next() * 4294967296) >>> 0);
  return { chain, address: makeAddress[family](bytes) };
}

/** A phone number unique to customer i: the country is i mod 8, the digits a bijection of i div 8. */
function phoneOf(i: number, c: (typeof COUNTRIES)[number]): string | undefined {
  const space = 10 ** c.digits;
  const k = Math.floor(i / COUNTRIES.length);
  if (k >= space) return undefined;
  // 7 is coprime with 10^d, so k -> k*7+offset mod 10^d never repeats a number below 10^d.
  const n = (k * 7 + 1234) % space;
  const phone = `${c.prefix}${String(n).padStart(c.digits, '0')}`;
  try {
    normalizePhone(phone, c.region);
    return phone;
  } catch {
    return undefined;
  }
}

export function customerAt(plan: Plan, i: number): { c: Customer; rnd: Random } {
  const rnd = seededRandom(customerSeed(plan.seed, i));
  const country = COUNTRIES[i % COUNTRIES.length]!;
  const first = rnd.pick(FIRST);
  const last = rnd.pick(LAST);
  const email = rnd.chance(0.9) ? `${first.toLowerCase().replace(/\W/g, '')}.${last.toLowerCase()}.${i}@${rnd.pick(DOMAINS)}` : undefined;
  const phone = rnd.chance(0.45) ? phoneOf(i, country) : undefined;
  const walletCount = weighted(rnd, [[0, 50], [1, 35], [2, 12], [3, 3]] as const);
  const wallets = Array.from({ length: walletCount }, () => walletOf(rnd));
  // Customers of the store sign up evenly over the window; customers past it (fresh ingest) sign up today.
  const span = plan.now - plan.windowStart - DAY_MS / 2;
  const signup = i < plan.customers ? plan.windowStart + ((i + rnd.next()) / plan.customers) * span : plan.now - rnd.next() * 6 * 3600_000;
  return { c: { index: i, externalId: `cust-${i}`, email, phone, wallets, country, signup, lateLink: wallets.length > 0 && rnd.chance(0.02) }, rnd };
}

/** All records of customer i, identify first. About 18 records: 1 identify, 1.25 KYC, 10 tx, 5 events, 1 purchase. */
export function customerRecords(plan: Plan, i: number): { customer: Customer; records: BenchRecord[] } {
  const { c, rnd } = customerAt(plan, i);
  const ts = (ms: number) => new Date(Math.min(Math.round(ms), plan.now)).toISOString();
  const at = () => c.signup + rnd.next() * (plan.now - c.signup);
  const ext = { external_id: c.externalId };
  const records: BenchRecord[] = [];
  const name = `${c.email?.split('.')[0] ?? 'anon'} ${c.externalId}`;
  const ids: Record<string, unknown> = {
    external_id: c.externalId,
    ...(c.email ? { email: c.email } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
    ...(rnd.chance(0.05) ? { kakao_id: `k_${c.externalId}` } : {}),
    ...(rnd.chance(0.05) ? { line_id: `l_${c.externalId}` } : {}),
    ...(c.wallets.length ? { wallets: c.wallets } : {}),
  };
  const identify: BenchRecord = {
    type: 'identify', id: `id-${i}`, timestamp: ts(c.signup), identifiers: ids,
    traits: {
      name, gender: rnd.pick(['female', 'male', 'other']), birth_date: `${rnd.int(1955, 2006)}-0${rnd.int(1, 9)}-1${rnd.int(0, 9)}`,
      membership_level: rnd.pick(['basic', 'basic', 'silver', 'gold', 'platinum']), platform: rnd.pick(['ios', 'android', 'web']), tags: rnd.chance(0.1) ? ['vip'] : [],
    },
  };

  const txCount = rnd.int(0, 20);
  const peakStart = gmt8DayStart(plan.peakDay);
  const txs: BenchRecord[] = [];
  for (let t = 0; t < txCount; t++) {
    const onPeak = c.signup < peakStart && rnd.chance(PEAK_SHARE);
    const when = onPeak ? peakStart + rnd.next() * DAY_MS : at();
    let wallet: Wallet | undefined;
    let chain: string;
    if (c.wallets.length) {
      const w = rnd.pick(c.wallets);
      // The same EVM key is one identifier on every EVM chain; some customers use it on two.
      chain = (EVM as readonly string[]).includes(w.chain) && rnd.chance(0.1) ? rnd.pick(EVM) : w.chain;
      wallet = { chain, address: w.address };
    } else chain = weighted(rnd, CHAINS);
    const family = chain === 'tron' || chain === 'solana' || chain === 'bitcoin' ? chain : 'evm';
    const token = rnd.pick(TOKENS[family]!);
    const usdt = Math.round(rnd.next() ** 3 * 20000 * 100) / 100 + 1;
    txs.push({
      type: 'transaction', id: `tx-${i}-${t}`, timestamp: ts(when), identifiers: wallet ? { wallets: [wallet] } : ext, chain, token,
      amount: (usdt / (PRICES[token] ?? 1)).toFixed(6), usdt_value: usdt.toFixed(2), direction: rnd.chance(0.5) ? 'in' : 'out', tx_hash: `0x${hex(rnd, 32)}`,
    });
  }

  const device = rnd.pick(DEVICES);
  const events: BenchRecord[] = [];
  for (let e = 0, n = rnd.int(2, 8); e < n; e++) {
    const session = `s-${i}-${e >> 1}`;
    events.push({
      type: 'event', id: `ev-${i}-${e}`, timestamp: ts(at()), identifiers: ext, name: e % 2 ? 'page_view' : 'session_start', session_id: session,
      device: { id: `d-${i}`, model: device[0], os: device[1], browser: device[2], library_version: '2.1.0', country: c.country.region, city: c.country.city, language: c.country.lang, timezone: c.country.tz },
    });
  }

  if (c.lateLink) {
    // A wallet transaction and an app event arrive before the customer is identified: two customers, merged by identify.
    if (txs.length === 0) txs.push({ ...txTemplate(c, i, ts(c.signup)) });
    records.push(txs.shift()!, events.shift()!, identify);
  } else records.push(identify);

  const status = weighted(rnd, FINAL_STATUS);
  if (status !== 'unverified') {
    const score = weighted(rnd, SCORES);
    const applied = c.signup + rnd.next() * Math.min(3 * DAY_MS, plan.now - c.signup);
    records.push({ type: 'kyc', id: `kyc-${i}-a`, timestamp: ts(applied), identifiers: ext, status: 'pending', risk_score: Math.max(0, score - 15), applied_at: ts(applied), form_number: `F-${i}` });
    if (status !== 'pending') {
      const decided = applied + rnd.next() * Math.min(2 * DAY_MS, plan.now - applied);
      records.push({
        type: 'kyc', id: `kyc-${i}-b`, timestamp: ts(decided), identifiers: ext, status, risk_score: score, approved_at: status === 'verified' ? ts(decided) : undefined,
        document_id: `${c.country.region}${String(100_000_000 + (i % 900_000_000))}`,
        tasks: [{ id: `T-${i}-1`, name: 'Identity document', status: 'done' }, { id: `T-${i}-2`, name: 'Proof of address', status: status === 'verified' ? 'done' : 'failed' }],
        reason: status === 'rejected' ? 'document could not be verified' : undefined,
      });
    }
  }
  records.push(...txs, ...events);
  for (let p = 0, n = rnd.int(0, 2); p < n; p++) {
    const items = Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(ITEMS)).map(([name, category, price]) => ({ name, category, quantity: rnd.int(1, 2), price }));
    records.push({
      type: 'purchase', id: `p-${i}-${p}`, timestamp: ts(at()), identifiers: ext, order_id: `o-${i}-${p}`,
      amount: items.reduce((s, it) => s + it.price * it.quantity, 0), currency: c.country.currency, items,
    });
  }
  return { customer: c, records };
}

function txTemplate(c: Customer, i: number, timestamp: string): BenchRecord {
  const w = c.wallets[0]!;
  return { type: 'transaction', id: `tx-${i}-first`, timestamp, identifiers: { wallets: [w] }, chain: w.chain, token: w.chain === 'bitcoin' ? 'BTC' : 'USDT', amount: '10', usdt_value: '10', direction: 'in' };
}

/** Customers [from, to) one after another, each customer's records together (what a source system replaying its history sends). */
export function* recordStream(plan: Plan, from = 0, to = plan.customers): Generator<{ index: number; signup: number; record: BenchRecord }> {
  for (let i = from; i < to; i++) {
    const { customer, records } = customerRecords(plan, i);
    for (const record of records) yield { index: i, signup: customer.signup, record };
  }
}

/** What a person would type to look customer i up, in the spellings people use. */
export function lookupText(plan: Plan, i: number, pick: number): string {
  const { c } = customerAt(plan, i);
  const options = [`ext:${c.externalId}`, ...(c.email ? [c.email] : []), ...(c.phone ? [c.phone] : []), ...c.wallets.map((w) => w.address)];
  return options[pick % options.length]!;
}
