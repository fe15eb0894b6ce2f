import { Hono } from 'hono';
import { RECORD_TYPES } from '../../db/schema/constants.ts';
import { AppError } from '../errors.ts';
import { ingestRecords, prepareRecords, type IngestDeps, type RecordIssue } from '../ingest/ingest.ts';
import type { ApiEnv } from './auth.ts';
import { limitBody } from './body-limit.ts';

const SINGLE_PATHS = new Map<string, (typeof RECORD_TYPES)[number]>([
  ['identify', 'identify'],
  ['kyc', 'kyc'],
  ['transactions', 'transaction'],
  ['events', 'event'],
  ['purchases', 'purchase'],
]);

function refuse(issues: RecordIssue[]): never {
  const records = new Set(issues.map((i) => i.index)).size;
  throw new AppError('invalid_records', `${records} record(s) are invalid; nothing was stored`, 400, { errors: issues });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('invalid_json', `the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** NDJSON: one record a line; blank lines are allowed, an unparseable line names its index. */
function parseNdjson(text: string): unknown[] {
  const records: unknown[] = [];
  const issues: RecordIssue[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line));
    } catch (e) {
      issues.push({ index: records.length, path: '(line)', message: `not valid JSON: ${(e as Error).message}` });
      records.push(null);
    }
  }
  if (issues.length) refuse(issues);
  return records;
}

export function ingestApi(deps: IngestDeps & { maxBodyBytes: number; onAlerts?: () => void }) {
  const app = new Hono<ApiEnv>();
  // createApp limits every /v1 body already; this keeps the routes safe when mounted on their own.
  const limit = limitBody(deps.maxBodyBytes, '; send smaller batches');

  async function accept(raw: unknown[], actor: string) {
    if (raw.length === 0) throw new AppError('empty_batch', 'the batch holds no records');
    const { records, issues } = prepareRecords(raw, deps.identity, deps.clock().getTime());
    if (issues.length) refuse(issues);
    const result = await ingestRecords(deps, records, actor);
    if (result.alerts) deps.onAlerts?.();
    return result;
  }

  app.post('/batch', limit, async (c) => {
    const text = await c.req.text();
    const ndjson = (c.req.header('content-type') ?? '').includes('ndjson');
    const raw = ndjson ? parseNdjson(text) : parseJson(text);
    if (!Array.isArray(raw)) throw new AppError('invalid_batch', 'a batch is a JSON array of records, or NDJSON with Content-Type: application/x-ndjson');
    const r = await accept(raw, `api:${c.var.apiKey.name}`);
    return c.json({ accepted: r.accepted, duplicates: r.duplicates, ignored: r.ignored });
  });

  for (const [path, type] of SINGLE_PATHS) {
    app.post(`/${path}`, limit, async (c) => {
      const body = parseJson(await c.req.text());
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('invalid_record', `POST /v1/${path} takes one JSON object; send many to /v1/batch`);
      const record = body as Record<string, unknown>;
      if (record.type !== undefined && record.type !== type) throw new AppError('wrong_type', `POST /v1/${path} takes "${type}" records, not "${String(record.type)}"`);
      const r = await accept([{ ...record, type }], `api:${c.var.apiKey.name}`);
      return c.json({ accepted: r.accepted, duplicates: r.duplicates, ignored: r.ignored, unified_ids: r.unifiedIds });
    });
  }
  return app;
}
