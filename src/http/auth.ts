import { createMiddleware } from 'hono/factory';
import type { Db } from '../../db/client.ts';
import { verifyKey } from '../../commands/keys.ts';
import { AppError } from '../errors.ts';

export type ApiEnv = { Variables: { apiKey: { name: string } } };

/** Every /v1 request, reads included, carries `Authorization: Bearer <api key>`. */
export function requireApiKey(db: Db) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError('unauthorized', 'missing API key: send Authorization: Bearer <key> (make one with `npx user360 keys create <name>`)', 401);
    const key = await verifyKey(db, m[1]!);
    if (!key) throw new AppError('unauthorized', 'invalid or revoked API key', 401);
    c.set('apiKey', key);
    await next();
  });
}
