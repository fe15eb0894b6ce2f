import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { RECORD_TYPES } from '../../db/schema/constants.ts';
import { AppError } from '../errors.ts';
import { ingestBatch, type BatchDeps, type RecordIssue } from '../../commands/ingest.ts';
import type { ApiEnv } from './auth.ts';
import { limitBody } from './body-limit.ts';
import { BATCH_EXAMPLE, EXAMPLES, NDJSON_EXAMPLE } from './examples.ts';
import { json, ref, security, tooLarge, unauthorized, type SchemaName } from './openapi.ts';

const SINGLE_PATHS: [path: string, type: (typeof RECORD_TYPES)[number], schema: SchemaName, summary: string][] = [
  ['identify', 'identify', 'IdentifyRecord', 'Link identifiers and traits to one customer'],
  ['kyc', 'kyc', 'KycRecord', 'KYC status, risk score, forms and tasks'],
  ['transactions', 'transaction', 'TransactionRecord', 'A wallet transfer'],
  ['events', 'event', 'EventRecord', 'An analytics event, with the device it came from'],
  ['purchases', 'purchase', 'PurchaseRecord', 'A shop order'],
];

const refused = {
  400: { description: 'Invalid request; for records, each bad record and field is named (invalid_records) and nothing is stored', content: json('InvalidRecords') },
  ...unauthorized,
  ...tooLarge,
} as const;

const batchRoute = createRoute({
  method: 'post',
  path: '/batch',
  summary: 'Many records at once, as a JSON array or NDJSON (Content-Type: application/x-ndjson); refused whole if any record is bad',
  security,
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: { type: 'array', items: ref('Record') }, example: BATCH_EXAMPLE },
        'application/x-ndjson': { schema: { type: 'string', description: 'one record (with its type) a line' }, example: NDJSON_EXAMPLE },
      },
    },
  },
  responses: { 200: { description: 'Stored (repeated ids counted in duplicates)', content: json('BatchResult') }, ...refused },
});

const singleRoute = (path: string, schema: SchemaName, summary: string, example: object) =>
  createRoute({
    method: 'post',
    path: `/${path}`,
    summary,
    security,
    request: { body: { required: true, content: { 'application/json': { schema: ref(schema), example } } } },
    responses: { 200: { description: 'Stored (or a repeated id, counted in duplicates)', content: json('SingleResult') }, ...refused },
  });

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

export function ingestApi(deps: BatchDeps & { maxBodyBytes: number; onAlerts?: () => void }) {
  // Routes are declared for the document; the bodies are read and validated here (see openapi.ts).
  const app = new OpenAPIHono<ApiEnv>();
  // createApp limits every /v1 body already; this keeps the routes safe when mounted on their own.
  const limit = limitBody(deps.maxBodyBytes, '; send smaller batches');

  async function accept(raw: unknown[], actor: string) {
    if (raw.length === 0) throw new AppError('empty_batch', 'the batch holds no records');
    const r = await ingestBatch(raw, actor, deps);
    if (!('result' in r)) refuse(r.issues);
    if (r.result.alerts) deps.onAlerts?.();
    return r.result;
  }

  app.openapi({ ...batchRoute, middleware: limit }, async (c) => {
    const text = await c.req.text();
    const ndjson = (c.req.header('content-type') ?? '').includes('ndjson');
    const raw = ndjson ? parseNdjson(text) : parseJson(text);
    if (!Array.isArray(raw)) throw new AppError('invalid_batch', 'a batch is a JSON array of records, or NDJSON with Content-Type: application/x-ndjson');
    const r = await accept(raw, `api:${c.var.apiKey.name}`);
    return c.json({ accepted: r.accepted, duplicates: r.duplicates, ignored: r.ignored });
  });

  for (const [path, type, schema, summary] of SINGLE_PATHS) {
    app.openapi({ ...singleRoute(path, schema, summary, EXAMPLES[type]), middleware: limit }, async (c) => {
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
