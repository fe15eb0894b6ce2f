/**
 * `npx tsx test/bench/read-model-sqld.ts [customers] [lookups]`: the profile's read model on a libSQL
 * server (a real sqld on 127.0.0.1, the demo data set): `buildProfile` today (the statement beside
 * purchases), on a miss and on a hit (the model's one statement beside purchases; on a miss the store
 * is queued, not awaited). Companion of read-model.ts, which measures the embedded file.
 */
import { cpus, loadavg } from 'node:os';
import { createStore, prepareDatabase } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { startSqld } from '../support/sqld.ts';
import { profileReadTimes } from './figures/profile-reads.ts';

const [customers = 1000, lookups = 200] = process.argv.slice(2).map(Number);
const server = await startSqld();
try {
  const store = await createStore(server.url);
  await prepareDatabase(store);
  const now = Date.parse('2026-11-25T12:00:00+08:00');
  await seedDemo({ store, identity: parseConfig({}).identity, clock: () => new Date(now) }, customers, 360);
  const roots = (await store.read(`SELECT id FROM customers WHERE id = root_id ORDER BY id LIMIT ${lookups}`, [])).map((r) => String(r.id));
  const times = await profileReadTimes(store, roots, now);
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!.toFixed(3);
  for (const [name, xs] of Object.entries(times)) process.stdout.write(`${name.padEnd(6)} p50 ${pct(xs, 0.5)} ms, p90 ${pct(xs, 0.9)} ms\n`);
  process.stdout.write(`sqld, ${customers} demo customers, ${roots.length} roots × 3; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  store.close();
} finally {
  await server.stop();
}
