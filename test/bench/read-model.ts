/**
 * `npx tsx test/bench/read-model.ts [--scale 0.01] [--batches 10] [--lookups 500]`: what the profile's
 * read model (issue 18, src/profile/read-model.ts) costs and saves, in one process on copies of the
 * bench's data set:
 * - ingest of fresh customers (1,000 records a batch, the bench's record mix), each batch into a copy
 *   with the invalidation triggers and into one without them, alternating, so both see the same load;
 * - the alternative design, keeping the model current inside the ingest transaction: the same batches
 *   with every touched root's row rebuilt and stored in the batch's transaction (`ingestRecords`' inTx);
 * - `buildProfile` for the same roots today (the statement every time), on a miss (statement + store),
 *   and on a hit (one point read); purchases are computed per request in all three.
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { createStore, prepareDatabase, type Store, type Tx } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { ingestRecords, prepareRecords } from '../../src/ingest/ingest.ts';
import { freshRow, SQL } from '../../src/profile/profile.ts';
import { CURRENT_VERSION, SECTION_COLUMNS, storedRow } from '../../src/profile/read-model.ts';
import { ensureDataset, workingCopy } from './dataset.ts';
import { freshBatches } from './figures/ingest.ts';
import { profileReadTimes } from './figures/profile-reads.ts';
import { makePlan } from './model.ts';

const { values: args } = parseArgs({ options: { scale: { type: 'string' }, batches: { type: 'string' }, lookups: { type: 'string' } } });
const plan = makePlan(Number(args.scale ?? 0.01));
const batches = Number(args.batches ?? 10);
const lookups = Number(args.lookups ?? 500);
const identity = parseConfig({}).identity;
const clock = () => new Date(plan.now);
const out = (line: string) => process.stdout.write(`${line}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const { path } = await ensureDataset(plan, false);
async function open(name: string): Promise<Store> {
  const store = await createStore(`file:${workingCopy(path, name)}`);
  await prepareDatabase(store);
  return store;
}
const [withTriggers, without, maintained] = [await open('read-model-with'), await open('read-model-without'), await open('read-model-maintained')];
for (const r of (await without.client.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'profile\\_%' ESCAPE '\\'")).rows) {
  await without.client.execute(`DROP TRIGGER ${String(r.name)}`);
}

// Maintained in the transaction: every root starts with a current row, and each batch rebuilds the
// roots it made stale (version moved past the stored row's) before it commits.
const STALE = `SELECT v.root_id FROM profile_versions v LEFT JOIN profile_rows r ON r.root_id = v.root_id WHERE r.version IS NOT v.version`;
const UPSERT = `INSERT INTO profile_rows (root_id, ${SECTION_COLUMNS.join(', ')}, version) VALUES (?1, ${SECTION_COLUMNS.map((_, i) => `?${i + 2}`).join(', ')}, ${CURRENT_VERSION})
  ON CONFLICT (root_id) DO UPDATE SET ${['version', ...SECTION_COLUMNS].map((c) => `${c} = excluded.${c}`).join(', ')}`;
async function rebuildStale(tx: Tx, roots?: string[]): Promise<number> {
  const stale = roots ?? (await tx.$client.execute(STALE)).rows.map((r) => String(r.root_id));
  for (const root of stale) {
    const row = (await tx.$client.execute({ sql: SQL, args: [root] })).rows[0]!;
    await tx.$client.execute({ sql: UPSERT, args: [root, ...SECTION_COLUMNS.map((c) => row[c] as string | number | null)] });
  }
  return stale.length;
}
const allRoots = (await maintained.read('SELECT id FROM customers WHERE id = root_id', [])).map((r) => String(r.id));
let t0 = performance.now();
await maintained.write((tx) => rebuildStale(tx, allRoots));
out(`maintained copy: ${allRoots.length} rows built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const ingestMs = { with: [] as number[], without: [] as number[], maintained: [] as number[] };
let records = 0;
let rebuilt = 0;
let i = 0;
for (const batch of freshBatches(plan, plan.customers, batches * 1000, 1000)) {
  const { records: prepared } = prepareRecords(batch, identity, plan.now);
  records += prepared.length;
  // Alternate which copy goes first, so neither always sees a warmer cache.
  const order = i++ % 2 ? (['without', 'with', 'maintained'] as const) : (['maintained', 'with', 'without'] as const);
  for (const name of order) {
    const store = name === 'with' ? withTriggers : name === 'without' ? without : maintained;
    const t = performance.now();
    await ingestRecords({ store, identity, clock }, prepared, 'bench', name === 'maintained' ? async (tx) => void (rebuilt += await rebuildStale(tx)) : undefined);
    ingestMs[name].push(performance.now() - t);
  }
}
const rate = (ms: number[]) => Math.round(records / (ms.reduce((a, b) => a + b, 0) / 1000));
out(`ingest, ${records} records in ${batches} batches of 1,000 (fresh customers):`);
out(`  without triggers            ${rate(ingestMs.without).toLocaleString('en-US')} records/s, batch p50 ${pct(ingestMs.without, 0.5).toFixed(1)} ms`);
out(`  with triggers (invalidate)  ${rate(ingestMs.with).toLocaleString('en-US')} records/s, batch p50 ${pct(ingestMs.with, 0.5).toFixed(1)} ms`);
out(`  maintained in the tx        ${rate(ingestMs.maintained).toLocaleString('en-US')} records/s, batch p50 ${pct(ingestMs.maintained, 0.5).toFixed(1)} ms (${rebuilt} rows rebuilt)`);
// The same batch on each copy, moments apart: the per-batch ratio is steadier than the totals on a shared machine.
const ratio = (a: number[], b: number[]) => pct(a.map((x, k) => x / b[k]!), 0.5).toFixed(3);
out(`  median per-batch time ratio: triggers/none ${ratio(ingestMs.with, ingestMs.without)}, maintained/none ${ratio(ingestMs.maintained, ingestMs.without)}; `
  + `rebuilding in the tx ${((ingestMs.maintained.reduce((a, b) => a + b, 0) - ingestMs.with.reduce((a, b) => a + b, 0)) / rebuilt).toFixed(3)} ms per root beyond the triggers`);

// Lookups on the copy with triggers: the same roots today, on a miss and on a hit.
const roots = (await withTriggers.read(`SELECT id FROM customers WHERE id = root_id ORDER BY id LIMIT ${lookups}`, [])).map((r) => String(r.id));
const now = plan.now;
// The sections alone: the statement against the stored row's point read.
const times = await profileReadTimes(withTriggers, roots, now, { statement: (root) => freshRow(withTriggers, root), point: (root) => storedRow(withTriggers, root) });
const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(3)} ms, p90 ${pct(xs, 0.9).toFixed(3)} ms`;
out(`buildProfile over ${roots.length} roots × 3 (purchases computed in each):`);
out(`  today (the statement)       ${fmt(times.today)}`);
out(`  read model, miss            ${fmt(times.miss)} (statement, then the store is queued; not awaited)`);
out(`  read model, hit             ${fmt(times.hit)}`);
out(`the sections alone: the statement ${fmt(times.statement)}; the stored row's point read ${fmt(times.point)}`);
out(`${plan.customers.toLocaleString('en-US')} customers at scale ${plan.scale}; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.version}`);
for (const s of [withTriggers, without, maintained]) s.close();
