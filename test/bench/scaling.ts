/**
 * The scaling curve: lookup and ingest figures at several store sizes, to show whether a lookup grows
 * with the store. `npm run bench -- --sizes 10000,100000,1000000`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { chatFigures } from './figures/chat.ts';
import { freshBatches, ingestRaw, ingestViaApi } from './figures/ingest.ts';
import { makePlan } from './model.ts';
import { rawClient } from './raw.ts';
import { environment } from './report.ts';
import { ensureDataset, workingCopy } from './dataset.ts';
import { startService } from './service.ts';

export async function runScaling(sizes: number[], seed: number, now: string, o: { fresh: boolean; ingestRecords: number; ingestBatch: number }) {
  const rows = [];
  for (const size of sizes) {
    const plan = makePlan(size / 1_000_000, seed, now);
    const { path, info } = await ensureDataset(plan, o.fresh);
    const work = workingCopy(path, `work-size-${size}`);
    const svc = await startService(work, plan.now);
    const raw = rawClient(work);
    process.stderr.write(`[scaling] ${size.toLocaleString('en-US')} customers\n`);
    const c = await chatFigures(svc, plan, raw, { oneClient: 2000, concurrent: 6000, clients: 16, maxMs: 8_000 });
    const api = await ingestViaApi(svc, freshBatches(plan, plan.customers + 1_000, o.ingestRecords, o.ingestBatch));
    const rawIngest = await ingestRaw(raw, freshBatches(plan, plan.customers + 2_000_000, o.ingestRecords, o.ingestBatch), svc.clock().getTime());
    await svc.stop();
    raw.close();
    rows.push({
      customers: size,
      identifiers: info.counts.identifiers ?? 0,
      transactions: info.counts.transactions ?? 0,
      lookupP50: c.lookupOne.p50,
      lookupP99: c.lookupOne.p99,
      rawP50: c.rawOne.p50,
      rawP99: c.rawOne.p99,
      lookupsPerSecond16: c.lookupMany.perSecond,
      ceilingPerSecond16: c.ceilingMany.perSecond,
      ingestPerSecond: api.perSecond,
      rawInsertPerSecond: rawIngest.perSecond,
      generatorPerSecond: info.load.recordsPerSecond,
      errors: c.lookupOne.errors + c.lookupMany.errors + api.errors.length,
    });
  }
  const f = (v: number, d = 2) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const table = [
    '| customers | identifiers | transactions | lookup p50 | lookup p99 | raw p50 | raw p99 | lookups/s (16) | Bolt ceiling/s | ingest rec/s | raw insert rec/s | generator rec/s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${f(r.customers, 0)} | ${f(r.identifiers, 0)} | ${f(r.transactions, 0)} | ${f(r.lookupP50)} ms | ${f(r.lookupP99)} ms | ${f(r.rawP50, 3)} ms | ${f(r.rawP99, 3)} ms | ${f(r.lookupsPerSecond16, 0)} | ${f(r.ceilingPerSecond16, 0)} | ${f(r.ingestPerSecond, 0)} | ${f(r.rawInsertPerSecond, 0)} | ${f(r.generatorPerSecond, 0)} |`,
    ),
  ].join('\n');
  mkdirSync('bench-output', { recursive: true });
  writeFileSync('bench-output/scaling.json', JSON.stringify({ ...environment(), rows }, null, 2));
  writeFileSync('bench-output/scaling.md', `${table}\n`);
  console.log(`\n${table}\n\nwritten bench-output/scaling.json`);
}
