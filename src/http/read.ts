import { Hono } from 'hono';
import type { Store } from '../../db/client.ts';
import { apiContext } from '../../commands/context.ts';
import { lookup } from '../../commands/lookup.ts';
import { metrics } from '../../commands/metrics.ts';
import type { IdentityConfig } from '../config.ts';
import { AppError, notFound } from '../errors.ts';
import type { Clock } from '../time.ts';
import type { ApiEnv } from './auth.ts';
import { find } from '../../commands/find.ts';

/** The read API: the same commands as chat, for an `api` caller; this file only maps results to HTTP. */
export function readApi(deps: { store: Store; identity: IdentityConfig; clock: Clock }) {
  const app = new Hono<ApiEnv>();

  // `find` over HTTP (SPEC §8): the same grammar and command as chat, as the key's caller (whole data, audited).
  app.get('/profiles', async (c) => {
    const q = c.req.query('q') ?? '';
    const cursor = c.req.query('cursor') || undefined;
    if (q.length > 2000) throw new AppError('invalid_query', 'q is at most 2000 characters');
    const r = await find({ query: q, cursor }, apiContext(deps, c.var.apiKey.name));
    if (r.kind === 'usage_error') throw new AppError(cursor && !r.usage.length ? 'invalid_cursor' : 'invalid_query', r.message);
    if (r.kind !== 'find') throw new Error(`find answered ${r.kind}`);
    return c.json({ data: r.rows, total: r.total, next_cursor: r.nextCursor, prev_cursor: r.prevCursor });
  });

  app.get('/profiles/:identifier', async (c) => {
    const r = await lookup({ identifier: c.req.param('identifier') }, apiContext(deps, c.var.apiKey.name));
    if (r.kind === 'usage_error') throw new AppError('invalid_identifier', r.message);
    if (r.kind === 'not_found') throw notFound(r.message);
    if (r.kind !== 'profile') throw new Error(`lookup answered ${r.kind}`);
    return c.json(r.profile);
  });

  app.get('/metrics', async (c) => {
    const r = await metrics({ range: c.req.query('range'), top: 10 }, apiContext(deps, c.var.apiKey.name));
    if (r.kind !== 'metrics') throw new Error(`metrics answered ${r.kind}`);
    return c.json(r.metrics);
  });
  return app;
}
