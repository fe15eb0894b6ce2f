import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import type { Store } from '../db/client.ts';
import type { Config } from './config.ts';
import { requireApiKey } from './http/auth.ts';
import { routeBodyLimits } from './http/body-limit.ts';
import { docsRoutes } from './http/docs.ts';
import { errorHandler } from './http/errors.ts';
import { ingestApi } from './http/ingest.ts';
import type { IngestThread } from './ingest/thread.ts';
import { json, openApiDocument, registerComponents } from './http/openapi.ts';
import { readApi } from './http/read.ts';
import type { Logger } from './logger.ts';
import type { Clock } from './time.ts';
import type { OnchainAccess } from '../commands/types.ts';

export interface AppDeps {
  store: Store;
  config: Pick<Config, 'identity' | 'maxBodyBytes'>;
  clock: Clock;
  log: Logger;
  /** Chat adapters mount themselves here (`/slack/events`, `/discord/interactions`) when configured. */
  mounts?: Array<{ path: string; app: Hono }>;
  /** Called when ingest wrote compliance alerts, so they go out now rather than at the next poll. */
  onAlerts?: () => void;
  /** Pushed batches are checked and written there instead of on this event loop (embedded file only). */
  ingestThread?: IngestThread;
  /** Profile reads ask it for fresh on-chain readings when theirs are stale. */
  onchain?: OnchainAccess;
}

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database reachability',
  responses: { 200: { description: 'The database answers', content: json('Health') }, 503: { description: 'The database is unreachable', content: json('Health') } },
});

/**
 * Builds the whole HTTP surface from its dependencies; it never listens (that is main.ts). The API's
 * routes are declared with `createRoute`, and /openapi.json is generated from those declarations.
 */
export function createApp(deps: AppDeps) {
  const { store, config, clock, log } = deps;
  const app = new OpenAPIHono();
  registerComponents(app);
  app.onError(errorHandler(log));
  // Before every route, so no handler, signature check or auth step ever holds more than its limit.
  app.use('*', routeBodyLimits(config.maxBodyBytes));
  app.notFound((c) => c.json({ code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.openapi(healthRoute, async (c) => {
    try {
      await store.db.run(sql`SELECT 1`);
      return c.json({ status: 'ok' as const }, 200);
    } catch {
      return c.json({ status: 'error' as const, message: 'database unreachable' }, 503);
    }
  });
  const doc = openApiDocument(app);
  app.get('/openapi.json', (c) => c.json(doc()));
  app.route('/docs', docsRoutes('/openapi.json'));
  // Someone opening the service's address in a browser learns where to go instead of a 404.
  app.get('/', (c) => c.json({ name: 'User 360', docs: '/docs', openapi: '/openapi.json', health: '/healthz' }));

  const v1 = new OpenAPIHono();
  v1.use('*', requireApiKey(store.db));
  v1.route('/', ingestApi({ store, identity: config.identity, clock, maxBodyBytes: config.maxBodyBytes, onAlerts: deps.onAlerts, thread: deps.ingestThread }));
  v1.route('/', readApi({ store, identity: config.identity, clock, onchain: deps.onchain }));
  app.route('/v1', v1);

  for (const m of deps.mounts ?? []) app.route(m.path, m.app);
  return app;
}
