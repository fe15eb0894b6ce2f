import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Store } from '../../db/client.ts';
import { apiContext } from '../../commands/context.ts';
import { lookup } from '../../commands/lookup.ts';
import { metrics } from '../../commands/metrics.ts';
import type { IdentityConfig } from '../config.ts';
import { AppError, notFound } from '../errors.ts';
import type { Clock } from '../time.ts';
import type { ApiEnv } from './auth.ts';
import { find } from '../../commands/find.ts';
import type { OnchainAccess } from '../../commands/types.ts';
import { json, MAX_FIND_QUERY, param, security, unauthorized, type PARAMETERS, type RESPONSES } from './openapi.ts';

type ErrorAnswers = Record<number, { description: string; content: ReturnType<typeof json<'Error'>> }>;

/**
 * A GET of the read API: bearer key, referenced parameters, one documented answer and the errors the
 * handler gives besides 401. Parameters are referenced, not given as zod `request.query`, so the
 * handlers' own errors stay the answers (see openapi.ts).
 */
function readRoute<P extends string, R extends keyof typeof RESPONSES, E extends ErrorAnswers = {}>(
  path: P, summary: string, params: readonly (keyof typeof PARAMETERS)[], response: { description: string; schema: R }, errors?: E,
) {
  return createRoute({
    method: 'get', path, summary, security, parameters: params.map(param),
    responses: { 200: { description: response.description, content: json(response.schema) }, ...(errors as E), ...unauthorized },
  });
}

const findRoute = readRoute(
  '/profiles', 'find: unified customers matching words and filters, by 30-day volume then unified id, 10 a page', ['FindQuery', 'Cursor'],
  { description: 'A page of customers', schema: 'FindPage' },
  { 400: { description: 'A malformed filter (invalid_query), or a changed, foreign or past-the-end cursor (invalid_cursor)', content: json('Error') } },
);

const profileRoute = readRoute(
  '/profiles/{identifier}', 'The unified profile behind any identifier: email, phone, wallet, unified id, or type:value (ext:, external_id:, kakao_id:, line_id:, …)', ['Identifier'],
  { description: 'Profile with every section of the User DNA', schema: 'Profile' },
  { 400: { description: 'A malformed identifier (invalid_identifier)', content: json('Error') }, 404: { description: 'No customer matches', content: json('Error') } },
);

const metricsRoute = readRoute('/metrics', 'Compliance and AssetPro figures for whole GMT+8 days', ['Range'], { description: 'Metrics', schema: 'Metrics' });

/** The read API: the same commands as chat, for an `api` caller; this file only maps results to HTTP. */
export function readApi(deps: { store: Store; identity: IdentityConfig; clock: Clock; onchain?: OnchainAccess }) {
  const app = new OpenAPIHono<ApiEnv>();

  // `find` over HTTP (SPEC §8): the same grammar and command as chat, as the key's caller (whole data, audited).
  app.openapi(findRoute, async (c) => {
    const q = c.req.query('q') ?? '';
    const cursor = c.req.query('cursor') || undefined;
    if (q.length > MAX_FIND_QUERY) throw new AppError('invalid_query', `q is at most ${MAX_FIND_QUERY} characters`);
    const r = await find({ query: q, cursor }, apiContext(deps, c.var.apiKey.name));
    if (r.kind === 'usage_error') throw new AppError(cursor && !r.usage.length ? 'invalid_cursor' : 'invalid_query', r.message);
    if (r.kind !== 'find') throw new Error(`find answered ${r.kind}`);
    return c.json({ data: r.rows, total: r.total, next_cursor: r.nextCursor, prev_cursor: r.prevCursor }, 200);
  });

  app.openapi(profileRoute, async (c) => {
    const r = await lookup({ identifier: c.req.param('identifier') }, apiContext(deps, c.var.apiKey.name));
    if (r.kind === 'usage_error') throw new AppError('invalid_identifier', r.message);
    if (r.kind === 'not_found') throw notFound(r.message);
    if (r.kind !== 'profile') throw new Error(`lookup answered ${r.kind}`);
    return c.json(r.profile, 200);
  });

  app.openapi(metricsRoute, async (c) => {
    const r = await metrics({ range: c.req.query('range'), top: 10 }, apiContext(deps, c.var.apiKey.name));
    if (r.kind !== 'metrics') throw new Error(`metrics answered ${r.kind}`);
    return c.json(r.metrics, 200);
  });
  return app;
}
