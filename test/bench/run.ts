/**
 * `npm run bench -- --scale 0.01`: every figure of issue 7 and its baseline, in one process and on one
 * database, printed as a table and written to bench-output/bench.json.
 *
 *   --scale 0.01|0.1|1     data set size (1 = 1,000,000 customers); generated once, cached by scale and seed
 *   --sizes 10000,100000   instead: lookup and ingest at several store sizes (the scaling curve)
 *   --only lookup,find,ingest,metrics,alerts,onchain,coldstart   a subset (for profiling with node --cpu-prof)
 *   --onchain-wallets 1000 --onchain-transfers 100000   sizes of the on-chain figures (a local Anvil)
 *   --fresh                regenerate the cached data set
 *   --trace-sql            print the SQL statements one lookup and one ingest batch run
 *   --sustained-records 40000   records sent after the lookups-under-ingest mix, before the server's VmHWM
 *   --sqld                 ingest and lookup on a real sqld beside raw @libsql/client on it (bench-output/bench-sqld.json)
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { detectIdentifier } from '../../src/identity/normalize.ts';
import { ensureDataset, workingCopy } from './dataset.ts';
import { chatFigures, lookupTexts } from './figures/chat.ts';
import { freshBatches, ingestByType, ingestRaw, ingestViaApi } from './figures/ingest.ts';
import { alertFigure, rawAlert } from './figures/alerts.ts';
import { backfillNightlyRollups, finishPeakDay, measureMetrics, metricsAllWithoutRollups, nightOfPeakDay } from './figures/metrics.ts';
import { cliLookup, coldStart } from './figures/cold-start.ts';
import { findFigures } from './figures/find.ts';
import { segmentFigures } from './figures/segments.ts';
import { sqldFigures } from './figures/sqld.ts';
import { onchainFigures } from './figures/onchain.ts';
import { checkLookup } from './figures/chat.ts';
import { DEFAULT_NOW, makePlan } from './model.ts';
import { rawClient } from './raw.ts';
import { environment, figure, markdownTable, textTable, type Figure } from './report.ts';
import { startService } from './service.ts';
import { computeRollup } from '../../src/metrics/rollup.ts';
import { addDays, gmt8Day } from '../../src/time.ts';
import { installSqlTrace, sqlReport, traceSql } from './sql-trace.ts';
import { runScaling } from './scaling.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '360' },
    now: { type: 'string', default: DEFAULT_NOW },
    sizes: { type: 'string' },
    only: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    'trace-sql': { type: 'boolean', default: false },
    'ingest-records': { type: 'string', default: '50000' },
    'ingest-batch': { type: 'string', default: '2000' },
    'cold-runs': { type: 'string', default: '3' },
    // Records sent after the lookups-under-ingest mix before the server's VmHWM is read (2 in flight).
    'sustained-records': { type: 'string', default: '40000' },
    sqld: { type: 'boolean', default: false },
    'onchain-wallets': { type: 'string', default: '1000' },
    'onchain-transfers': { type: 'string', default: '100000' },
    // find ranks large match sets on the nightly window of the 29 days before today (src/audience/rank.ts);
    // a freshly generated store has no rollups, so without this find sums every match as before the walk.
    'find-rollups': { type: 'boolean', default: false },
  },
});
// Counts and sizes must be whole positive numbers: `--cold-runs x` would otherwise run NaN times and
// print a table of nothing.
for (const k of ['seed', 'ingest-records', 'ingest-batch', 'cold-runs', 'sustained-records', 'onchain-wallets', 'onchain-transfers'] as const) {
  const v = Number(args[k]);
  if (!Number.isInteger(v) || v < (k === 'seed' ? 0 : 1)) {
    process.stderr.write(`--${k} must be a whole number${k === 'seed' ? '' : ' of at least 1'}, not ${JSON.stringify(args[k])}\n`);
    process.exit(2);
  }
}
if (!(Number(args.scale) > 0)) {
  process.stderr.write(`--scale must be a positive number (0.01, 0.1, 1), not ${JSON.stringify(args.scale)}\n`);
  process.exit(2);
}
const OUT = 'bench-output';
const log = (line: string) => process.stderr.write(`${line}\n`);
if (args['trace-sql']) installSqlTrace();

async function main() {
  if (args.sqld) {
    // On a libSQL server instead of the embedded file: its own figure set (test/bench/figures/sqld.ts).
    const records = Math.max(2000, Math.round(Number(args['ingest-records']) * Number(args.scale)));
    const figures = await sqldFigures(Number(args.scale), args.now!, { records, batch: Math.min(Number(args['ingest-batch']), 500), lookups: 200 });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(`${OUT}/bench-sqld.json`, JSON.stringify({ environment: environment(), figures }, null, 2));
    process.stdout.write(`${textTable(figures)}\n\n${markdownTable(figures)}\n`);
    return;
  }
  if (args.sizes) {
    await runScaling(args.sizes.split(',').map(Number), Number(args.seed), args.now!, { fresh: args.fresh!, ingestRecords: Number(args['ingest-records']), ingestBatch: Number(args['ingest-batch']) });
    return;
  }
  const only = new Set((args.only ?? 'lookup,find,ingest,metrics,alerts,onchain,coldstart').split(','));
  const started = performance.now();
  const plan = makePlan(Number(args.scale), Number(args.seed), args.now);
  const { path, info } = await ensureDataset(plan, args.fresh!);
  const work = workingCopy(path, `work-scale-${plan.scale}`);
  const svc = await startService(work, plan.now);
  const raw = rawClient(work);
  const figures: Figure[] = [];
  const extra: Record<string, unknown> = {};
  const rssByPhase: { phase: string; rssMb: number; maxRssMb: number; heapMb: number }[] = [];
  extra.rssByPhase = rssByPhase;
  let current = 'start';
  const phase = (name: string) => {
    const m = process.memoryUsage();
    const mem = { phase: current, rssMb: Math.round(m.rss / 2 ** 20), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), heapMb: Math.round(m.heapTotal / 2 ** 20) };
    rssByPhase.push(mem);
    current = name;
    log(`[bench] ${name} (${((performance.now() - started) / 1000).toFixed(0)} s; RSS ${mem.rssMb} MB of which JS heap ${mem.heapMb} MB, peak ${mem.maxRssMb} MB)`);
  };

  if (only.has('lookup')) {
    phase('lookup: one client, 16 clients, Bolt ceiling, raw libSQL');
    const c = await chatFigures(svc, plan, raw, { oneClient: 2000, concurrent: 8000, clients: 16, maxMs: 12_000 });
    extra.lookup = c;
    const errs = c.lookupOne.errors + c.lookupMany.errors;
    const note = errs ? `${errs} wrong answers, first: ${c.lookupOne.firstError ?? c.lookupMany.firstError}` : `${c.lookupOne.count} lookups, every answer a profile card`;
    figures.push(
      figure({ figure: 'lookup via signed Slack request, 1 client, p50', unit: 'ms', value: c.lookupOne.p50, baseline: c.rawOne.p50, baselineName: 'raw libSQL', goal: '≤ 1 ms, ≤ 10× raw', max: 1, ratioMax: 10, note }),
      figure({ figure: 'lookup via signed Slack request, 1 client, p99', unit: 'ms', value: c.lookupOne.p99, baseline: c.rawOne.p99, baselineName: 'raw libSQL', goal: '≤ 5 ms, ≤ 10× raw', max: 5, ratioMax: 10 }),
      figure({ figure: 'lookups/s, 16 concurrent clients', unit: '/s', value: c.lookupMany.perSecond, baseline: c.ceilingMany.perSecond, baselineName: "Bolt's ceiling", goal: '≥ 2,000/s, ≥ 0.5× Bolt', min: 2000, ratioMin: 0.5 }),
      figure({ figure: 'lookup, 16 concurrent clients, p99', unit: 'ms', value: c.lookupMany.p99, baseline: c.ceilingMany.p99, baselineName: "Bolt's ceiling" }),
      figure({ figure: "Bolt's ceiling, 1 client, p50 / p99", unit: 'ms', value: c.ceilingOne.p50, baseline: c.ceilingOne.p99, baselineName: 'its p99' }),
      figure({ figure: 'raw libSQL lookups/s, 16 clients', unit: '/s', value: c.rawMany.perSecond }),
    );
    if (args['trace-sql']) {
      const texts = lookupTexts(plan, 200, 99);
      traceSql(true);
      for (const t of texts) await checkLookup(await svc.slash(`lookup ${t}`));
      traceSql(false);
      log(`SQL per lookup:\n${sqlReport(texts.length, 30)}`);
    }
  }

  if (only.has('find')) {
    if (args['find-rollups']) {
      phase('nightly rollups of the 29 days before today (what find ranks large match sets on)');
      const t0 = performance.now();
      const today = gmt8Day(plan.now);
      for (let i = 29; i >= 1; i--) await computeRollup(svc.store, addDays(today, -i), plan.now);
      extra.findRollupsSeconds = (performance.now() - t0) / 1000;
      log(`[bench] 29 nightly rollups in ${(extra.findRollupsSeconds as number).toFixed(1)} s`);
    }
    phase('find: GET /v1/profiles?q= for selective filters and name prefixes');
    const f = await findFigures(svc);
    extra.find = f;
    const note = (k: keyof typeof f) => `q=${f[k]!.q}: ${f[k]!.total.toLocaleString('en-US')} of ${plan.customers.toLocaleString('en-US')} customers match; p99 ${f[k]!.sample.p99.toFixed(1)} ms`;
    figures.push(
      figure({ figure: 'find, selective filters (KYC + risk + country), p50', unit: 'ms', value: f.selective!.sample.p50, goal: '≤ 100 ms at 1M', max: 100, note: note('selective') }),
      figure({ figure: 'find, selective filters (tag + KYC + risk), p50', unit: 'ms', value: f.selectiveTag!.sample.p50, goal: '≤ 100 ms at 1M', max: 100, note: note('selectiveTag') }),
      figure({ figure: 'find, name prefix, p50', unit: 'ms', value: f.namePrefix!.sample.p50, goal: '≤ 300 ms at 1M', max: 300, note: note('namePrefix') }),
      figure({ figure: 'find, name prefix + KYC filter, p50', unit: 'ms', value: f.namePrefixFiltered!.sample.p50, goal: '≤ 300 ms at 1M', max: 300, note: note('namePrefixFiltered') }),
      figure({ figure: 'find, one broad filter (no goal), p50', unit: 'ms', value: f.broad!.sample.p50, note: note('broad') }),
    );
    const seg = await segmentFigures(svc);
    extra.segments = seg;
    const segNote = `segment ${seg.q}: ${seg.size.toLocaleString('en-US')} member(s)`;
    figures.push(
      figure({ figure: 'segment recompute, first run (all entries), selective segment', unit: 'ms', value: seg.firstMs, note: segNote }),
      figure({ figure: 'segment recompute, steady state (no change), p50', unit: 'ms', value: seg.steady.p50, note: `${segNote}; runs every SEGMENT_REFRESH_SECONDS per segment; p99 ${seg.steady.p99.toFixed(1)} ms` }),
    );
  }

  if (only.has('ingest')) {
    phase('ingest: POST /v1/batch and raw multi-row inserts');
    const n = Number(args['ingest-records']);
    const size = Number(args['ingest-batch']);
    const apiBatches = freshBatches(plan, plan.customers + 1_000, n, size);
    const rawBatches = freshBatches(plan, plan.customers + 2_000_000, n, size);
    // The raw baseline inserts into a copy of the same data, taken before either ingests. On the working
    // copy itself it shared the file's lock with the service in this process, whose writer gives the
    // event loop a turn mid-transaction: a raw BEGIN then waited synchronously and failed the run
    // with SQLITE_BUSY (seen at CI size, 2026-12-02).
    const rawPath = `${work}.raw-ingest`;
    for (const f of [rawPath, `${rawPath}-wal`, `${rawPath}-shm`]) rmSync(f, { force: true });
    await raw.execute({ sql: 'VACUUM INTO ?', args: [rawPath] });
    const rawCopy = rawClient(rawPath);
    await rawCopy.execute('PRAGMA journal_mode = WAL');
    if (args['trace-sql']) traceSql(true);
    const api = await ingestViaApi(svc, apiBatches);
    if (args['trace-sql']) (traceSql(false), log(`SQL per 1,000 ingested records:\n${sqlReport(api.records / 1000, 30)}`));
    const rawResult = await ingestRaw(rawCopy, rawBatches, svc.clock().getTime());
    rawCopy.close();
    for (const f of [rawPath, `${rawPath}-wal`, `${rawPath}-shm`]) rmSync(f, { force: true });
    const byType = await ingestByType(svc, plan, 4000, size);
    extra.ingest = { api, raw: rawResult, byType };
    figures.push(
      figure({
        figure: `ingest via POST /v1/batch (${size.toLocaleString('en-US')}/request), identity resolution`, unit: 'rec/s', value: api.perSecond, baseline: rawResult.perSecond,
        baselineName: 'raw multi-row INSERT', goal: '≥ 20,000/s, ≥ 0.25× raw', min: 20_000, ratioMin: 0.25,
        note: `${api.records.toLocaleString('en-US')} records, ${api.accepted.toLocaleString('en-US')} accepted${api.errors.length ? `, errors: ${api.errors[0]}` : ''}`,
      }),
      ...Object.entries(byType).map(([type, r]) =>
        figure({ figure: `ingest of ${type} records alone, customers already stored`, unit: 'rec/s', value: r.perSecond, note: r.errors.length ? `errors: ${r.errors[0]}` : undefined }),
      ),
      figure({ figure: 'data generator through prepareRecords + ingestRecords (5,000/batch)', unit: 'rec/s', value: info.load.recordsPerSecond, note: `${info.load.records.toLocaleString('en-US')} records into an empty store; last 10%: ${Math.round(info.load.tailRecordsPerSecond)}/s` }),
    );
  }

  if (only.has('metrics')) {
    phase('metrics before any rollup');
    const cold = await metricsAllWithoutRollups(svc);
    phase('nightly rollups of the days before the peak day');
    const backfill = await backfillNightlyRollups(svc, plan);
    phase(`the peak day's 23:59 rollup + digest`);
    const night = await nightOfPeakDay(svc, plan, raw);
    phase('metrics the morning after (peak day rolled at 23:59, not final)');
    // 30d in this state took 30-62 s at scale 0.1 and grows with (live customers × rolled days): at larger
    // scales it would hold the run for hours, so only `all` is measured there.
    const morningRanges = plan.scale <= 0.2 ? (['30d', 'all'] as const) : (['all'] as const);
    const morning = await measureMetrics(svc, undefined, 3, 5_000, morningRanges);
    const finishSeconds = await finishPeakDay(svc, plan);
    phase('metrics after the nightly rollups of every past day');
    const m = await measureMetrics(svc, raw, 20, 5_000);
    extra.metrics = { withoutRollups: cold, backfill, night, morning, final: m, finishPeakDaySeconds: finishSeconds };
    for (const r of ['1d', '30d', 'all'] as const) {
      const x = m[r]!;
      figures.push(
        figure({
          figure: `metrics ${r} (GET /v1/metrics, past days from nightly rollups), p50`, unit: 'ms', value: x.app.p50, baseline: x.raw?.p50, baselineName: 'raw SQL on facts', goal: '≤ 50 ms', max: 50,
          note: `${x.rollupDays} rollup days + ${x.liveDays} live, ${x.txCount.toLocaleString('en-US')} tx; p99 ${x.app.p99.toFixed(1)} ms`,
        }),
      );
    }
    figures.push(
      figure({
        figure: `nightly rollup + digest of the peak day (${night.transactions.toLocaleString('en-US')} tx)`, unit: 's', value: night.totalMs / 1000, baseline: night.raw.p50 / 1000, baselineName: 'raw SQL for the digest figures',
        goal: '≤ 2 s (1,000,000 tx at scale 1)', max: 2, note: `job ${(night.jobMs / 1000).toFixed(2)} s, until the chart reached Slack ${(night.totalMs / 1000).toFixed(2)} s`,
      }),
      figure({ figure: 'metrics all, no rollups yet (first start)', unit: 'ms', value: cold.p50 }),
      figure({
        figure: 'metrics 30d the morning after the peak day (its 23:59 rollup not final)', unit: 'ms', value: morning['30d']?.app.p50 ?? null,
        note: morning['30d'] ? `${morning['30d'].liveDays} live days` : 'not measured above scale 0.2: 30-62 s at 0.1, growing with live customers × rolled days',
      }),
      figure({ figure: 'metrics all the morning after the peak day', unit: 'ms', value: morning.all!.app.p50 }),
      figure({ figure: 'nightly rollup of one ordinary past day (mean of the backfill)', unit: 'ms', value: (backfill.seconds / backfill.days) * 1000, note: `${backfill.days} days in ${backfill.seconds.toFixed(1)} s` }),
      figure({ figure: "finishing the peak day's rollup the next night", unit: 's', value: finishSeconds }),
    );
  }

  if (only.has('alerts')) {
    phase('KYC change → alert at the Slack API');
    const trials = 100;
    const idle = await alertFigure(svc, plan, trials, 11);
    const rawSample = await rawAlert(svc, raw, `${work}.raw-alert`, trials);
    const texts = lookupTexts(plan, 500, 5);
    const busy = await alertFigure(svc, plan, 30, 12, async (i) => checkLookup(await svc.slash(`lookup ${texts[i % texts.length]}`)));
    extra.alerts = { idle, raw: rawSample, underLookupLoad: busy };
    figures.push(
      figure({
        figure: 'KYC change ingested → alert at the Slack API, p99', unit: 'ms', value: idle.sample.p99, baseline: rawSample.p99, baselineName: 'raw insert + chat.postMessage', goal: '≤ 1,000 ms', max: 1000,
        note: `${idle.sample.count} alerts, p50 ${idle.sample.p50.toFixed(1)} ms${idle.sample.errors ? `, ${idle.sample.errors} never arrived: ${idle.sample.firstError}` : ''}`,
      }),
      figure({ figure: 'KYC → alert p99 while 4 clients run lookups', unit: 'ms', value: busy.sample.p99, note: `p50 ${busy.sample.p50.toFixed(1)} ms; lookups meanwhile ${busy.load?.perSecond.toFixed(0)}/s` }),
    );
  }

  // Measured before the on-chain phase, whose 100,000 logs in a few answers are that phase's own cost.
  const rssMb = process.resourceUsage().maxRSS / 1024;
  figures.push(figure({ figure: 'peak RSS of this process (service + clients + fakes)', unit: 'MB', value: rssMb, goal: '≤ 256 MB', max: 256 }));

  if (only.has('onchain')) {
    phase('on-chain: enrichment, lookups with and without readings, indexing (local Anvil)');
    const o = await onchainFigures(svc, raw, { wallets: Number(args['onchain-wallets']), transfers: Number(args['onchain-transfers']), log });
    extra.onchain = o;
    const n = o.wallets.toLocaleString('en-US');
    const t = o.indexing.transfers.toLocaleString('en-US');
    figures.push(
      figure({
        figure: `enrichment of ${n} wallets (balances, feed, code at one block; stored), p50`, unit: 'ms', value: o.enrich.p50, baseline: o.rawMulticall.p50, baselineName: 'raw viem multicall of the balances',
        goal: '≤ 1,000 ms', max: 1000, note: `${o.enrich.count} runs, p99 ${o.enrich.p99.toFixed(0)} ms; 2 tokens + native + 1 feed`,
      }),
      figure({
        figure: `indexing ${t} Transfer logs touching customers (${o.indexing.blocks} blocks)`, unit: 'tr/s', value: o.indexing.perSecond, baseline: o.rawGetLogs.perSecond, baselineName: 'raw viem getLogs of the range',
        goal: '≥ 5,000/s', min: 5000, note: `${o.indexing.stored.toLocaleString('en-US')} transactions stored in ${o.indexing.seconds.toFixed(1)} s over ${o.indexing.steps + 1} steps; raw getLogs read ${o.rawGetLogs.logs.toLocaleString('en-US')} logs in ${o.rawGetLogs.seconds.toFixed(1)} s${o.indexing.notes.length ? `; ${o.indexing.notes.join('; ')}` : ''}`,
      }),
      figure({
        figure: 'lookup with enrichment data stored (GET /v1/profiles/<wallet>), p50', unit: 'ms', value: o.withReadings.p50, baseline: o.without.p50, baselineName: 'the same lookups before any reading',
        goal: 'unchanged (≤ 1.25×)', ratioMax: 1.25, note: `${o.withReadings.count} lookups, p99 ${o.withReadings.p99.toFixed(2)} ms vs ${o.without.p99.toFixed(2)} ms${o.withReadings.errors + o.without.errors ? `; wrong answers: ${o.withReadings.firstError ?? o.without.firstError}` : ''}`,
      }),
    );
  }
  phase('done');

  if (only.has('coldstart')) {
    phase('cold start of the bundled service (dist/main.js) and of a raw server');
    const text = lookupTexts(plan, 1, 3)[0]!;
    const d = detectIdentifier(text, svc.config.identity);
    const batchBody = JSON.stringify(freshBatches(plan, plan.customers + 3_000_000, 2000, 2000).next().value);
    await svc.stop(false);
    raw.close();
    const mixBatches = freshBatches(plan, plan.customers + 4_000_000, 10_000_000, 2000);
    const mixBodies = (function* () {
      for (const b of mixBatches) yield b.map((r) => JSON.stringify(r)).join('\n');
    })();
    // More records after the mix (40,000 by default: 20 bodies of 2,000), built before the server starts.
    const sustained = Number(args['sustained-records']);
    const loadBodies = [...freshBatches(plan, plan.customers + 6_000_000, sustained, 2000)].map((b) => b.map((r) => JSON.stringify(r)).join('\n'));
    const cs = await coldStart({ dbPath: work, apiKey: svc.key, api: svc.api, identifier: { text, type: d.type, value: d.value }, texts: lookupTexts(plan, 500, 21), runs: Number(args['cold-runs']), loadMs: 5_000, batchBody, mixBodies, loadBodies });
    await svc.api.close();
    const cli = await cliLookup({ dbPath: work, identifier: text, runs: Math.max(5, Number(args['cold-runs'])) });
    extra.coldStart = { ...cs, cli };
    const med = (xs: (number | undefined)[]) => {
      const v = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
      return v.length ? v[Math.floor(v.length / 2)]! : null;
    };
    figures.push(
      figure({
        figure: 'cold start → /healthz 200 (median of runs)', unit: 'ms', value: med(cs.service.map((r) => r.healthMs)), baseline: med(cs.raw.map((r) => r.healthMs)), baselineName: 'node:http + @libsql/client',
        goal: '≤ 1,500 ms', max: 1500, note: cs.service.some((r) => !r.healthMs) ? `a start failed: ${cs.service.find((r) => !r.healthMs)?.stderr.slice(-300)}` : undefined,
      }),
      figure({ figure: 'cold start → first profile answered', unit: 'ms', value: med(cs.service.map((r) => r.firstAnswerMs)), baseline: med(cs.raw.map((r) => r.firstAnswerMs)), baselineName: 'raw lookup', goal: '≤ 1,500 ms', max: 1500 }),
      figure({
        figure: 'npx user360 lookup from a terminal (bundle, spawn to exit, median)', unit: 'ms', value: med(cli.bundled.filter((r) => r.ok).map((r) => r.ms)), baseline: med(cli.tsx.filter((r) => r.ok).map((r) => r.ms)), baselineName: 'the sources through tsx',
        goal: '≤ 500 ms', max: 500, note: `bare node -e 0: ${med(cli.bare.map((r) => r.ms))?.toFixed(0)} ms on this machine meanwhile (the lookup ${((med(cli.bundled.filter((r) => r.ok).map((r) => r.ms)) ?? NaN) / (med(cli.bare.map((r) => r.ms)) ?? NaN)).toFixed(1)}× that; 0.5 s is ~4.7× a quiet 2-core machine's bare node)${cli.bundled.some((r) => !r.ok) ? `; a lookup failed: ${cli.bundled.find((r) => !r.ok)?.out}` : ''}`,
      }),
      figure({
        figure: 'Slack lookups/s while one client ingests 2,000-record NDJSON batches (16 clients, real port)', unit: '/s', value: cs.load.mix?.lookups.perSecond ?? null, baseline: cs.load.lookups?.perSecond ?? null, baselineName: 'the same lookups without ingest',
        goal: '≥ 1,000/s', min: 1000,
        note: cs.load.mix ? `p50 ${cs.load.mix.lookups.p50.toFixed(1)} ms; cores busy: server ${cs.load.mix.lookups.cores.server.toFixed(2)}, clients ${cs.load.mix.lookups.cores.clients.toFixed(2)} (without ingest ${cs.load.lookups?.cores.server.toFixed(2)} and ${cs.load.lookups?.cores.clients.toFixed(2)}); ${cs.load.mix.batchesDuringLookups} batches (${cs.load.mix.records.toLocaleString('en-US')} records) ingested while the lookups ran, ${(cs.load.mix.records / cs.load.mix.seconds).toFixed(0)} rec/s${cs.load.mix.firstError ? `; ingest error: ${cs.load.mix.firstError}` : ''}${cs.load.mix.lookups.errors ? `; ${cs.load.mix.lookups.errors} wrong answers: ${cs.load.mix.lookups.firstError}` : ''}` : undefined,
      }),
      figure({
        figure: 'Slack lookup, 1 client, while one client ingests (real port), p99', unit: 'ms', value: cs.load.mix?.one.p99 ?? null, baseline: cs.load.lookupOne?.p99 ?? null, baselineName: 'the same client without ingest',
        note: cs.load.mix && cs.load.lookupOne ? `p50 ${cs.load.mix.one.p50.toFixed(1)} ms (without ingest ${cs.load.lookupOne.p50.toFixed(1)} ms); ${cs.load.mix.one.count} lookups` : undefined,
      }),
      figure({ figure: 'Slack lookup p99 while one client ingests (same mix)', unit: 'ms', value: cs.load.mix?.lookups.p99 ?? null, baseline: cs.load.lookups?.p99 ?? null, baselineName: 'without ingest', goal: '≤ 25 ms', max: 25 }),
      figure({ figure: 'server process peak RSS (VmHWM) after the lookups-under-ingest mix', unit: 'MB', value: cs.load.mix?.mem.hwmMb ?? null, goal: '≤ 256 MB', max: 256, note: cs.load.mix ? `RSS now ${cs.load.mix.mem.rssMb} MB` : undefined }),
      figure({
        figure: `server process peak RSS (VmHWM) after the mix and ${sustained.toLocaleString('en-US')} more records through /v1/batch (2 in flight)`, unit: 'MB', value: cs.load.sustained?.mem.hwmMb ?? null, goal: '≤ 256 MB', max: 256,
        note: cs.load.sustained ? `RSS now ${cs.load.sustained.mem.rssMb} MB; ${cs.load.sustained.records.toLocaleString('en-US')} records at ${(cs.load.sustained.records / cs.load.sustained.seconds).toFixed(0)} rec/s over HTTP${cs.load.sustained.firstError ? `; ingest error: ${cs.load.sustained.firstError}` : ''}` : undefined,
      }),
      figure({ figure: 'server process peak RSS (VmHWM) after 5 s of lookups over a real port', unit: 'MB', value: cs.load.mem?.hwmMb ?? null, goal: '≤ 256 MB', max: 256, note: `${cs.load.idleMem?.rssMb} MB right after start; then lookups over HTTP, 16 clients: ${cs.load.lookups?.perSecond.toFixed(0)}/s, p99 ${cs.load.lookups?.p99.toFixed(1)} ms${cs.load.lookups?.errors ? `, ${cs.load.lookups.errors} errors: ${cs.load.lookups.firstError}` : ''}` }),
    );
  } else {
    await svc.stop();
    raw.close();
  }

  const env = environment();
  const result = { ...env, scale: plan.scale, seed: plan.seed, dataNow: new Date(plan.now).toISOString(), peakDay: plan.peakDay, dataset: { counts: info.counts, load: info.load }, benchSeconds: (performance.now() - started) / 1000, figures, details: extra };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}/bench.json`, JSON.stringify(result, null, 2));
  writeFileSync(`${OUT}/bench-scale-${plan.scale}.json`, JSON.stringify(result, null, 2));
  const header = `User 360 bench · scale ${plan.scale} (${plan.customers.toLocaleString('en-US')} customers) · ${env.date.slice(0, 16)}Z · ${env.cpus} cores (${env.cpuModel}) · node ${env.node} · commit ${env.commit}`;
  writeFileSync(`${OUT}/bench-scale-${plan.scale}.md`, `${header}\n\n${markdownTable(figures)}\n\n${figures.filter((f) => f.note).map((f) => `- ${f.figure}: ${f.note}`).join('\n')}\n`);
  console.log(`\n${header}\n\n${textTable(figures)}\n`);
  for (const f of figures.filter((f) => f.note)) console.log(`  · ${f.figure}: ${f.note}`);
  console.log(`\nwritten ${OUT}/bench.json in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (!existsSync('package.json')) throw new Error('run from the repository root (npm run bench)');
await main();
process.exit(0);
