import { Hono } from 'hono';
import type { Store } from '../../db/client.ts';
import type { IdentityConfig } from '../config.ts';
import { writeAudit } from '../access/audit.ts';
import { AppError, notFound } from '../errors.ts';
import { IdentifierError } from '../identity/normalize.ts';
import { firstDataDay, queryMetrics } from '../metrics/query.ts';
import { parseRange } from '../metrics/range.ts';
import { findCustomer } from '../profile/find.ts';
import { buildProfile } from '../profile/profile.ts';
import type { Clock } from '../time.ts';
import type { ApiEnv } from './auth.ts';

export function readApi(deps: { store: Store; identity: IdentityConfig; clock: Clock }) {
  const db = deps.store.db;
  const app = new Hono<ApiEnv>();

  app.get('/profiles/:identifier', async (c) => {
    const input = c.req.param('identifier');
    let found;
    try {
      found = await findCustomer(deps.store, input, deps.identity);
    } catch (e) {
      if (e instanceof IdentifierError) throw new AppError('invalid_identifier', e.message);
      throw e;
    }
    const now = deps.clock().getTime();
    // API keys are trusted integrations: they see whole profiles, and each read is audited like a chat lookup.
    await writeAudit(deps.store, {
      at: now, platform: 'api', callerId: c.var.apiKey.name, command: 'profile', identifierType: found.detected.type, identifier: found.detected.value, unifiedId: found.unifiedId,
    });
    const profile = found.unifiedId ? await buildProfile(deps.store, found.unifiedId, now) : null;
    if (!profile) throw notFound(`no customer found for ${found.detected.type} "${found.detected.value}"`);
    return c.json(profile);
  });

  app.get('/metrics', async (c) => {
    const range = parseRange(c.req.query('range'), deps.clock().getTime(), await firstDataDay(db));
    const m = await queryMetrics(db, range, deps.clock().getTime());
    return c.json(m);
  });
  return app;
}
