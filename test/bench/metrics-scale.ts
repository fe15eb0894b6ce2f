// `npm run bench:metrics -- fresh 1000000`: metrics over N generated transactions (100,000 customers,
// 400 days) after the nightly rollups, the figure issue 5 asks for. Loads with plain SQL for speed;
// `fresh` rebuilds the data, without it the last data set is reused.
import { rmSync } from 'node:fs';
import { createStore, prepareDatabase } from '../../db/client.ts';
import { computeRollup } from '../../src/metrics/rollup.ts';
import { queryMetrics } from '../../src/metrics/query.ts';
import { addDays, gmt8Day } from '../../src/time.ts';
const path = 'bench-output/metrics-scale/a.db';
const fresh = process.argv[2] === 'fresh';
if (fresh) rmSync('bench-output/metrics-scale', { recursive: true, force: true });
const s = await createStore(`file:${path}`);
await prepareDatabase(s);
const now = Date.parse('2026-11-25T12:00:00+08:00');
const today = gmt8Day(now);
const C = 100_000, T = Number(process.argv[3] ?? 1_000_000), DAYS = 400;
if (fresh) {
  let t = performance.now();
  await s.write(async (tx) => {
    for (let i = 0; i < C; i += 500) {
      const rows = Array.from({ length: 500 }, (_, j) => [`c${i + j}`, `c${i + j}`, 0, 0, 0]);
      await tx.$client.execute({ sql: `INSERT INTO customers VALUES ${rows.map(() => '(?,?,NULL,?,?,?)').join(',')}`, args: rows.flat() as (string | number)[] });
    }
    const tokens = ['USDT', 'USDC', 'ETH', 'BTC', 'TRX'], chains = ['ethereum', 'tron', 'bsc', 'bitcoin', 'solana', 'polygon'];
    for (let i = 0; i < T; i += 500) {
      const rows = Array.from({ length: 500 }, (_, j) => { const k = i + j; const at = now - Math.floor(((k * 7919) % (DAYS * 86400)) * 1000); return [`c${(k * 31) % C}`, at, gmt8Day(at), chains[k % 6], tokens[k % 5], '1', (k % 1000) * 1_000_000, 'in']; });
      await tx.$client.execute({ sql: `INSERT INTO transactions (customer_id, at, day, chain, token, amount, usdt_micros, direction) VALUES ${rows.map(() => '(?,?,?,?,?,?,?,?)').join(',')}`, args: rows.flat() as (string | number)[] });
    }
  });
  console.log('load', performance.now() - t);
  t = performance.now();
  for (let d = addDays(today, -DAYS); d < today; d = addDays(d, 1)) await computeRollup(s, d, now);
  console.log('rollups', performance.now() - t);
}
for (const label of ['1d', '30d', 'all']) {
  const from = label === '1d' ? today : label === '30d' ? addDays(today, -29) : addDays(today, -DAYS);
  for (let k = 0; k < 2; k++) {
    const t = performance.now();
    const m = await queryMetrics(s.db, { from, to: today, label }, now, 10);
    console.log(label, 'ms', Math.round(performance.now() - t), m.assetpro.transaction_count, m.sources);
  }
}
