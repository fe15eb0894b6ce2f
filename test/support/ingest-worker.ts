// A separate service process for cross-instance tests: opens the database file given and ingests the
// NDJSON records given, exactly as the service would.
import { readFileSync } from 'node:fs';
import { createStore, prepareDatabase } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { ingestRecords, prepareRecords } from '../../src/ingest/ingest.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

const [url, file] = process.argv.slice(2) as [string, string];
const config = parseConfig({});
const store = await createStore(url);
await prepareDatabase(store);
const raw = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const { records, issues } = prepareRecords(raw, config.identity);
if (issues.length) throw new Error(JSON.stringify(issues));
// Both processes pass a barrier into the ingest, each noting that the other was inside with it.
const b = barrierFromEnv();
const { result, overlapped } = await insideTogether(b.dir, b.me, b.peers, () => ingestRecords({ store, identity: config.identity, clock: () => new Date() }, records, `worker-${process.pid}`));
process.stdout.write(JSON.stringify({ ...result, overlapped }));
store.close();
