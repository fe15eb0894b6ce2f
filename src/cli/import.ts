import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import type { IngestDeps, RecordIssue } from '../ingest/ingest.ts';
import { ingestRecords, prepareRecords } from '../ingest/ingest.ts';

export interface ImportSummary {
  accepted: number;
  duplicates: number;
  ignored: number;
  lines: number;
}

export class ImportError extends Error {
  constructor(
    message: string,
    readonly issues: (RecordIssue & { line: number })[],
    readonly summary: ImportSummary,
  ) {
    super(message);
  }
}

/**
 * Streams an NDJSON file into the store in batches, each batch one transaction. A bad batch stops the
 * import with the offending line numbers; batches before it are stored, and since records carry ids,
 * running the import again after fixing the file stores each record once.
 */
export async function importNdjson(deps: IngestDeps, file: string, opts: { batchSize: number; progress: boolean }): Promise<ImportSummary> {
  const size = statSync(file).size;
  const bar = opts.progress ? new SingleBar({ format: 'import [{bar}] {percentage}% | {value}/{total} bytes | {records} records' }, Presets.shades_classic) : null;
  bar?.start(size, 0, { records: 0 });
  const summary: ImportSummary = { accepted: 0, duplicates: 0, ignored: 0, lines: 0 };
  let batch: { line: number; value: unknown }[] = [];
  let bytes = 0;

  const flush = async () => {
    if (!batch.length) return;
    const parseIssues: (RecordIssue & { line: number })[] = [];
    const values = batch.map((b, index) => {
      try {
        return JSON.parse(b.value as string);
      } catch (e) {
        parseIssues.push({ index, line: b.line, path: '(line)', message: `not valid JSON: ${(e as Error).message}` });
        return null;
      }
    });
    const { records, issues } = prepareRecords(values, deps.identity, deps.clock().getTime());
    const all = [...parseIssues, ...issues.filter((i) => !parseIssues.some((p) => p.index === i.index)).map((i) => ({ ...i, line: batch[i.index]!.line }))];
    if (all.length) {
      bar?.stop();
      throw new ImportError(`${new Set(all.map((i) => i.line)).size} bad record(s) in lines ${batch[0]!.line}–${batch.at(-1)!.line}; that batch was not stored`, all, summary);
    }
    const r = await ingestRecords(deps, records, 'cli:import');
    summary.accepted += r.accepted;
    summary.duplicates += r.duplicates;
    summary.ignored += r.ignored;
    batch = [];
    bar?.update(bytes, { records: summary.accepted + summary.duplicates });
  };

  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    summary.lines++;
    bytes += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    batch.push({ line: summary.lines, value: line });
    if (batch.length >= opts.batchSize) await flush();
  }
  await flush();
  bar?.update(size);
  bar?.stop();
  return summary;
}
