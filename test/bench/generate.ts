/**
 * Loads the benchmark data set through the project's own bulk path (prepareRecords + ingestRecords,
 * ~5,000 records a batch), streaming records from the seeded model so memory stays flat.
 *
 *   npx tsx test/bench/generate.ts --scale 0.01 [--seed 360] [--now 2026-11-25T12:00:00+08:00] [--out file.db]
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { createStore, migrationsFolder, prepareDatabase, type Store } from '../../db/client.ts';
import { parseConfig, type IdentityConfig } from '../../src/config.ts';
import { ingestRecords, prepareRecords } from '../../src/ingest/ingest.ts';
import { DEFAULT_NOW, makePlan, recordStream, type Plan } from './model.ts';
import { Progress } from './progress.ts';

/** Bumped whenever the model changes, so a cached database from an older model is not reused. */
export const GENERATOR_VERSION = 1;

export interface LoadStats {
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  recordsPerSecond: number;
  /** records/s over the last tenth of the load, when the store is nearly full */
  tailRecordsPerSecond: number;
  firstIssues: string[];
}

/**
 * Ingests customers [from, to) of the plan. Each batch runs with the clock at its newest customer's
 * sign-up, so `created_at` (new customers per day) follows the data's own timeline.
 */
export async function loadCustomers(
  store: Store,
  identity: IdentityConfig,
  plan: Plan,
  opts: { from?: number; to?: number; batchSize?: number; progress?: Progress } = {},
): Promise<LoadStats> {
  const { from = 0, to = plan.customers, batchSize = 5000, progress } = opts;
  const stats: LoadStats = { records: 0, accepted: 0, duplicates: 0, rejected: 0, seconds: 0, recordsPerSecond: 0, tailRecordsPerSecond: 0, firstIssues: [] };
  const started = performance.now();
  let tail: { at: number; records: number } | undefined;
  let batch: unknown[] = [];
  let batchNow = plan.windowStart;
  let lastIndex = from;

  const flush = async () => {
    if (!batch.length) return;
    const { records, issues } = prepareRecords(batch, identity);
    if (issues.length) {
      stats.rejected += new Set(issues.map((i) => i.index)).size;
      for (const i of issues.slice(0, 5 - stats.firstIssues.length)) stats.firstIssues.push(`${JSON.stringify(batch[i.index]).slice(0, 160)} → ${i.path}: ${i.message}`);
    }
    const now = Math.min(batchNow, plan.now);
    const r = await ingestRecords({ store, identity, clock: () => new Date(now) }, records, 'bench:generate');
    stats.records += batch.length;
    stats.accepted += r.accepted;
    stats.duplicates += r.duplicates;
    batch = [];
    // libsql frees a statement's native memory in a finalizer that Node runs from setImmediate; a loop
    // that only awaits settled promises never gets there, and RSS grows by ~4 KB a statement.
    await new Promise((resolve) => setImmediate(resolve));
    if (!tail && lastIndex + 1 - from >= 0.9 * (to - from) && lastIndex + 1 < to) tail = { at: performance.now(), records: stats.records };
    progress?.update(stats.records, { customers: lastIndex + 1 - from });
  };

  for (const { index, signup, record } of recordStream(plan, from, to)) {
    // A customer's records stay in one batch, as a replaying source system would send them.
    if (batch.length >= batchSize && index !== lastIndex) await flush();
    batch.push(record);
    batchNow = Math.max(batchNow, signup);
    lastIndex = index;
  }
  await flush();
  stats.seconds = (performance.now() - started) / 1000;
  stats.recordsPerSecond = stats.records / stats.seconds;
  stats.tailRecordsPerSecond = tail ? (stats.records - tail.records) / ((performance.now() - tail.at) / 1000) : stats.recordsPerSecond;
  return stats;
}

/** The schema the data was loaded into; a cached database made under other migrations is regenerated. */
export function schemaHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort()) h.update(f).update(readFileSync(join(migrationsFolder, f)));
  return h.digest('hex').slice(0, 16);
}

export interface DatasetInfo {
  version: number;
  schema: string;
  complete: boolean;
  plan: Plan;
  load: LoadStats;
  counts: Record<string, number>;
  generatorMaxRssMb: number;
  finishedAt: string;
  /** set when a later migration was applied to the cached data set instead of generating it again */
  migratedForwardAt?: string;
}

export const infoPath = (dbPath: string) => `${dbPath}.json`;

export function readInfo(dbPath: string, anySchema = false): DatasetInfo | undefined {
  if (!existsSync(dbPath) || !existsSync(infoPath(dbPath))) return undefined;
  const info = JSON.parse(readFileSync(infoPath(dbPath), 'utf8')) as DatasetInfo;
  return info.complete && info.version === GENERATOR_VERSION && (anySchema || info.schema === schemaHash()) ? info : undefined;
}

/**
 * A data set loaded under older migrations is brought forward instead of generated again (an hour at
 * scale 1), but only when the migrations it had are exactly the first ones of today's list: then the
 * new ones (with their own backfills) make it what a fresh load would be. Returns the info, or
 * undefined when the data set must be generated again.
 */
export async function migrateForward(dbPath: string, log: (line: string) => void): Promise<DatasetInfo | undefined> {
  const info = readInfo(dbPath, true);
  if (!info) return undefined;
  const store = await createStore(`file:${dbPath}`);
  try {
    const applied = (await store.client.execute('SELECT hash FROM __drizzle_migrations ORDER BY created_at')).rows.map((r) => String(r.hash));
    const current = readMigrationFiles({ migrationsFolder }).map((m) => m.hash);
    if (!applied.length || applied.length > current.length || applied.some((h, i) => h !== current[i])) return undefined;
    log(`migrating the cached data set ${dbPath} forward: ${current.length - applied.length} new migration(s)`);
    await prepareDatabase(store);
    await store.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    store.close();
  }
  const next = { ...info, schema: schemaHash(), migratedForwardAt: new Date().toISOString() };
  writeFileSync(infoPath(dbPath), JSON.stringify(next, null, 2));
  return next;
}

export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const tables = ['customers', 'identifiers', 'wallets', 'transactions', 'events', 'purchases', 'purchase_items', 'kyc_states', 'kyc_changes', 'alerts', 'ingested_records'];
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await store.client.execute(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
  return counts;
}

/** Generates the whole data set into a new file `dbPath` and writes `<dbPath>.json` when it is complete. */
export async function generateDataset(dbPath: string, plan: Plan, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<DatasetInfo> {
  for (const suffix of ['', '-wal', '-shm', '.json']) rmSync(`${dbPath}${suffix}`, { force: true });
  const store = await createStore(`file:${dbPath}`);
  await prepareDatabase(store);
  const identity = parseConfig({}).identity;
  log(`generating scale ${plan.scale}: ${plan.customers.toLocaleString('en-US')} customers, ~${plan.expectedRecords.toLocaleString('en-US')} records, seed ${plan.seed}, peak day ${plan.peakDay} → ${dbPath}`);
  const progress = new Progress('generate', plan.expectedRecords, 'records');
  const load = await loadCustomers(store, identity, plan, { progress });
  progress.done();
  // No one subscribed while the history was loaded, so its KYC alerts are spent: fanning out 200 at a
  // time would only mark them done. Doing it in one statement keeps them out of the bench's alert loop.
  await store.client.execute('UPDATE alerts SET fanned_out_at = created_at WHERE fanned_out_at IS NULL');
  await store.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  const counts = await tableCounts(store);
  store.close();
  const info: DatasetInfo = {
    version: GENERATOR_VERSION, schema: schemaHash(), complete: true, plan, load, counts, generatorMaxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), finishedAt: new Date().toISOString(),
  };
  writeFileSync(infoPath(dbPath), JSON.stringify(info, null, 2));
  log(
    `generated ${load.records.toLocaleString('en-US')} records in ${load.seconds.toFixed(1)} s: ${Math.round(load.recordsPerSecond).toLocaleString('en-US')} records/s ` +
      `(last 10%: ${Math.round(load.tailRecordsPerSecond).toLocaleString('en-US')}/s), ${load.rejected} rejected, peak RSS ${info.generatorMaxRssMb} MB`,
  );
  log(`rows: ${Object.entries(counts).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ')}`);
  if (load.firstIssues.length) log(`first rejected records:\n  ${load.firstIssues.join('\n  ')}`);
  return info;
}

export const datasetPath = (scale: number, seed: number) => `bench-output/data/scale-${scale}-seed-${seed}.db`;

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '0.01' }, seed: { type: 'string', default: '360' }, now: { type: 'string', default: DEFAULT_NOW }, out: { type: 'string' } } });
  const plan = makePlan(Number(values.scale), Number(values.seed), values.now);
  await generateDataset(values.out ?? datasetPath(plan.scale, plan.seed), plan);
}
