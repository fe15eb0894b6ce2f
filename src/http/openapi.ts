import { z } from 'zod';
import { eventRecord, identifyRecord, ingestRecord, kycRecord, purchaseRecord, transactionRecord } from '../ingest/records.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const errors = {
  '400': { description: 'Invalid request; for records, each bad record and field is named and nothing is stored', content: json('InvalidRecords') },
  '401': { description: 'Missing, invalid or revoked API key', content: json('Error') },
};

const singles = [
  ['/v1/identify', 'IdentifyRecord', 'Link identifiers and traits to one customer'],
  ['/v1/kyc', 'KycRecord', 'KYC status, risk score, forms and tasks'],
  ['/v1/transactions', 'TransactionRecord', 'A wallet transfer'],
  ['/v1/events', 'EventRecord', 'An analytics event, with the device it came from'],
  ['/v1/purchases', 'PurchaseRecord', 'A shop order'],
] as const;

/** Built from the same zod schemas that validate requests, so the document cannot drift from the code. */
export function openApiDocument() {
  const paths: Record<string, unknown> = {};
  for (const [path, ref, summary] of singles) {
    paths[path] = {
      post: {
        summary, security: [{ bearer: [] }],
        requestBody: { required: true, content: json(ref) },
        responses: { '200': { description: 'Stored (or a repeated id, counted in duplicates)', content: json('SingleResult') }, ...errors, '413': { description: 'Body above the limit' } },
      },
    };
  }
  paths['/v1/batch'] = {
    post: {
      summary: 'Many records at once, as a JSON array or NDJSON (Content-Type: application/x-ndjson); refused whole if any record is bad',
      security: [{ bearer: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Record' } } }, 'application/x-ndjson': { schema: { type: 'string' } } } },
      responses: { '200': { description: 'Stored', content: json('BatchResult') }, ...errors, '413': { description: 'Body above the limit' } },
    },
  };
  paths['/v1/profiles'] = {
    get: {
      summary: 'find: unified customers matching words (name, email, phone, external id, wallet, unified id prefixes) and filters (kyc:, risk:>=, tag:, segment:, chain:, volume:>N, volume7d:, volume_all:, seen:<7d, country:, stage:, attr.<key>:), by 30-day volume then unified id, 10 a page',
      security: [{ bearer: [] }],
      parameters: [
        { name: 'q', in: 'query', schema: { type: 'string', example: 'alice kyc:pending risk:>=high', maxLength: 2000 } },
        { name: 'cursor', in: 'query', schema: { type: 'string', description: 'next_cursor or prev_cursor of a previous answer for the same q' } },
      ],
      responses: {
        '200': {
          description: 'A page of customers',
          content: { 'application/json': { schema: { type: 'object', properties: {
            data: { type: 'array', items: { type: 'object', properties: {
              unified_id: { type: 'string' }, name: { type: 'string', nullable: true }, email: { type: 'string', nullable: true }, phone: { type: 'string', nullable: true },
              wallet: { type: 'object', nullable: true, properties: { chain: { type: 'string' }, address: { type: 'string' } } }, external_id: { type: 'string', nullable: true },
              kyc_status: { type: 'string' }, risk_level: { type: 'string', nullable: true }, form_number: { type: 'string', nullable: true }, country: { type: 'string', nullable: true },
              stage: { type: 'string', enum: ['new', 'active', 'dormant', 'churned'] }, volume_30d_usdt: { type: 'number' },
            } } },
            total: { type: 'integer' }, next_cursor: { type: 'string', nullable: true }, prev_cursor: { type: 'string', nullable: true },
          } } } },
        },
        ...errors,
        '400': { description: 'A malformed filter (invalid_query), or a changed, foreign or past-the-end cursor (invalid_cursor)', content: json('Error') },
      },
    },
  };
  paths['/v1/profiles/{identifier}'] = {
    get: {
      summary: 'The unified profile behind any identifier: email, phone, wallet, unified id, or type:value (ext:, external_id:, kakao_id:, line_id:, …)',
      security: [{ bearer: [] }],
      parameters: [{ name: 'identifier', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'Profile with every section of the User DNA', content: { 'application/json': { schema: { type: 'object' } } } }, '404': { description: 'No customer matches', content: json('Error') }, ...errors },
    },
  };
  paths['/v1/metrics'] = {
    get: {
      summary: 'Compliance and AssetPro figures for whole GMT+8 days',
      security: [{ bearer: [] }],
      parameters: [{ name: 'range', in: 'query', schema: { type: 'string', example: '7d', description: 'all, 1d, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD' } }],
      responses: { '200': { description: 'Metrics', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors },
    },
  };
  paths['/healthz'] = { get: { summary: 'Liveness and database reachability', responses: { '200': { description: 'ok' }, '503': { description: 'database unreachable' } } } };

  return {
    openapi: '3.0.3',
    info: { title: 'User 360 ingest and read API', version: '1.0.0' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key from `npx user360 keys create <name>`' } },
      schemas: {
        Record: schema(ingestRecord),
        IdentifyRecord: schema(identifyRecord),
        KycRecord: schema(kycRecord),
        TransactionRecord: schema(transactionRecord),
        EventRecord: schema(eventRecord),
        PurchaseRecord: schema(purchaseRecord),
        BatchResult: { type: 'object', properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' }, ignored: { type: 'integer' } }, required: ['accepted', 'duplicates'] },
        SingleResult: {
          type: 'object',
          properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' }, ignored: { type: 'integer' }, unified_ids: { type: 'array', items: { type: 'string' } } },
          required: ['accepted', 'duplicates', 'unified_ids'],
        },
        Error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] },
        InvalidRecords: {
          type: 'object',
          properties: {
            code: { type: 'string', example: 'invalid_records' }, message: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
