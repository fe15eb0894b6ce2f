import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { FILTER_USAGE } from '../../commands/find-query.ts';
import { RECORD_SCHEMAS } from '../../commands/ingest.ts';

/**
 * The pieces the routes' declarations (`createRoute` in ingest.ts and read.ts) share, and the document
 * generated from them. Request bodies and parameters are the zod schemas the handlers validate with,
 * registered once as components and referenced by `$ref`. They are referenced rather than placed in the
 * route on purpose: a zod schema in a route makes @hono/zod-openapi validate before the handler, with
 * answers of its own (a 415, a raw zod issue list), where the API's contract is the handler's
 * (`invalid_records` with index and path, `wrong_type`, NDJSON lines, `invalid_query`).
 */

export const MAX_FIND_QUERY = 2000;

/** Written from the parser's own usage lines, so a filter added to `find` is documented with it. */
const FIND_QUERY_DESCRIPTION =
  'Words: case-insensitive prefixes of name, email, phone (any spelling), external id, wallet, unified id; a viewer\'s words never match a name, email or phone. ' +
  `Filters, all of which must hold: ${Object.values(FILTER_USAGE).join('; ')}.`;

const result = { accepted: z.int(), duplicates: z.int(), ignored: z.int() };
const nullableText = z.string().nullable();

/** Request bodies: the schemas ingest checks records with. Referenced by name, never placed in a route. */
export const REQUEST_SCHEMAS = RECORD_SCHEMAS;

/**
 * Answers: placed in the routes (nothing validates a response), so each handler's `c.json(...)` is
 * type-checked against its documented shape; `.openapi(name)` makes them components.
 */
export const RESPONSES = {
  BatchResult: z.object(result).openapi('BatchResult'),
  SingleResult: z.object({ ...result, unified_ids: z.array(z.string()) }).openapi('SingleResult'),
  Error: z.object({ code: z.string(), message: z.string() }).openapi('Error'),
  InvalidRecords: z
    .object({
      code: z.literal('invalid_records'),
      message: z.string(),
      errors: z.array(z.object({ index: z.int(), path: z.string(), message: z.string() })),
    })
    .openapi('InvalidRecords'),
  FindPage: z
    .object({
      data: z.array(
        z.object({
          unified_id: z.string(), name: nullableText, email: nullableText, phone: nullableText,
          wallet: z.object({ chain: z.string(), address: z.string() }).nullable(), external_id: nullableText,
          kyc_status: z.string(), risk_level: nullableText, form_number: nullableText, country: nullableText,
          stage: z.enum(['new', 'active', 'dormant', 'churned']), volume_30d_usdt: z.number(),
          net_worth_usdt: z.number().nullable(),
        }),
      ),
      total: z.int(),
      next_cursor: nullableText,
      prev_cursor: nullableText,
    })
    .openapi('FindPage'),
  Health: z.object({ status: z.enum(['ok', 'error']), message: z.string().optional() }).openapi('Health'),
  Profile: z.looseObject({}).openapi('Profile', { description: 'Every section of the User DNA' }),
  Metrics: z.looseObject({}).openapi('Metrics', { description: 'Compliance and AssetPro figures for whole GMT+8 days' }),
} as const;

export const PARAMETERS = {
  FindQuery: z.string().max(MAX_FIND_QUERY).optional().openapi({
    param: { name: 'q', in: 'query' },
    description: FIND_QUERY_DESCRIPTION,
    example: 'alice kyc:pending risk:>=high',
  }),
  Cursor: z.string().optional().openapi({ param: { name: 'cursor', in: 'query' }, description: 'next_cursor or prev_cursor of a previous answer for the same q' }),
  Identifier: z.string().openapi({
    param: { name: 'identifier', in: 'path' },
    description: 'email, phone, wallet, unified id, or type:value (ext:, external_id:, kakao_id:, line_id:, …)',
    example: 'alice@example.com',
  }),
  Range: z.string().optional().openapi({ param: { name: 'range', in: 'query' }, description: 'all, 1d, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD', example: '7d' }),
} as const;

export type SchemaName = keyof typeof REQUEST_SCHEMAS;
export const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
export const param = (name: keyof typeof PARAMETERS) => ({ $ref: `#/components/parameters/${name}` });
export const json = <S extends keyof typeof RESPONSES>(name: S) => ({ 'application/json': { schema: RESPONSES[name] } });

export const security = [{ bearer: [] }];
export const unauthorized = { 401: { description: 'Missing, invalid or revoked API key', content: json('Error') } } as const;
export const tooLarge = { 413: { description: 'Body above the limit (MAX_BODY_BYTES)', content: json('Error') } } as const;

/** Components go on the app that serves the document; sub-apps only declare routes, which `route()` carries up. */
export function registerComponents(app: OpenAPIHono<any>) {
  const registry = app.openAPIRegistry;
  // `register` calls `.openapi()`, which zod copies onto a schema when it is built; the record schemas may be
  // built before @hono/zod-openapi adds it (the bundle loads ingest first), so a copy made now is registered.
  for (const [name, schema] of Object.entries(REQUEST_SCHEMAS)) registry.register(name, schema.clone());
  for (const [name, schema] of Object.entries(PARAMETERS)) registry.registerParameter(name, schema);
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API key from `npx user360 keys create <name>`' });
}

/** The document of every route declared on `app`; generated once, on first request (it takes ~80 ms). */
export function openApiDocument(app: OpenAPIHono<any>) {
  let doc: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  return () => (doc ??= app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'User 360 ingest and read API', version: '1.0.0' } }));
}
