/** `npx user360 import <file.ndjson>`: the bulk load, batch by batch, with an exact account of what was stored. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { IngestDeps, RecordIssue } from '../src/ingest/ingest.ts';
import { ingestRecords, prepareRecords } from '../src/ingest/ingest.ts';

export interface LineIssue extends Omit<RecordIssue, 'index'> {
  line: number;
}

export interface ImportReport {
  /** Lines in the file, blank ones included. */
  lines: number;
  /** What was stored: every record of lines 1..throughLine, one transaction per batch. */
  stored: { throughLine: number; records: number; accepted: number; duplicates: number; ignored: number };
  /** The first bad lines' problems, in line order (at most `maxIssues`). */
  issues: LineIssue[];
  /** How many lines were bad, all of them counted even when not all are listed. */
  badLines: number;
  seconds: number;
}

export interface ImportProgress {
  line: number;
  lines: number;
  stored: number;
  /** Once a batch was bad, the rest of the file is only checked, so that every bad line is known. */
  checking: boolean;
}

export interface ImportOptions {
  /** Records per transaction; by default about 2% of the file (100 to 5,000), so progress moves. */
  batchSize?: number;
  maxIssues?: number;
  onProgress?: (p: ImportProgress) => void;
}

/** Counts lines by their newline bytes, fast enough to do first so progress and ETA have a total. */
export async function countLines(file: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
    if (chunk.length) last = chunk[chunk.length - 1]!;
  }
  return last === 10 ? n : n + 1;
}

export const autoBatchSize = (lines: number) => Math.min(5000, Math.max(100, Math.ceil(lines / 50)));

/**
 * Streams an NDJSON file into the store in batches, each batch one transaction. Batches are stored
 * until the first one with a bad line; from there the file is still read to its end and checked, so
 * the report lists every bad line, but nothing more is stored: what is stored is always lines
 * 1..n, and since records carry ids, importing the fixed file again stores each record once.
 */
export async function importNdjson(deps: IngestDeps, file: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const total = await countLines(file);
  const batchSize = opts.batchSize ?? autoBatchSize(total);
  const maxIssues = opts.maxIssues ?? 50;
  const report: ImportReport = { lines: 0, stored: { throughLine: 0, records: 0, accepted: 0, duplicates: 0, ignored: 0 }, issues: [], badLines: 0, seconds: 0 };
  let batch: { line: number; text: string }[] = [];
  let checking = false;

  const flush = async (lastLine: number) => {
    const issues: LineIssue[] = [];
    const values = batch.map((b) => {
      try {
        return JSON.parse(b.text) as unknown;
      } catch (e) {
        issues.push({ line: b.line, path: '(line)', message: `not valid JSON: ${(e as Error).message}` });
        return undefined;
      }
    });
    const parsedOk = batch.filter((_, i) => values[i] !== undefined);
    const prepared = prepareRecords(values.filter((v) => v !== undefined), deps.identity, deps.clock().getTime());
    for (const i of prepared.issues) issues.push({ line: parsedOk[i.index]!.line, path: i.path, message: i.message });
    // A line's problems stay in the order they were found; lines come in file order.
    issues.sort((a, b) => a.line - b.line);
    if (issues.length) {
      checking = true;
      report.badLines += new Set(issues.map((i) => i.line)).size;
      report.issues.push(...issues.slice(0, Math.max(0, maxIssues - report.issues.length)));
    }
    if (!checking) {
      if (prepared.records.length) {
        const r = await ingestRecords(deps, prepared.records, 'cli:import');
        report.stored.accepted += r.accepted;
        report.stored.duplicates += r.duplicates;
        report.stored.ignored += r.ignored;
      }
      report.stored.records += batch.length;
      report.stored.throughLine = lastLine;
    }
    batch = [];
    opts.onProgress?.({ line: lastLine, lines: total, stored: report.stored.records, checking });
  };

  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    report.lines++;
    if (line.trim()) batch.push({ line: report.lines, text: line });
    if (batch.length >= batchSize) await flush(report.lines);
  }
  await flush(report.lines);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
