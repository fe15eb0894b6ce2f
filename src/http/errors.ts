import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../../db/client.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** The one error handler: every failure leaves as `{ code, message }`, internals only in the log. */
export function errorHandler(log: Logger): ErrorHandler {
  return (err, c) => {
    if (err instanceof AppError) {
      return c.json({ code: err.code, message: err.message, ...(err.details ? (err.details as object) : {}) }, err.status);
    }
    if (err instanceof ZodError) {
      const first = err.issues[0];
      return c.json({ code: 'invalid_request', message: first ? `${first.path.join('.') || 'request'}: ${first.message}` : 'invalid request' }, 400);
    }
    if (err instanceof HTTPException) {
      return c.json({ code: err.status === 413 ? 'body_too_large' : 'http_error', message: err.message || 'request refused' }, err.status);
    }
    if (isDatabaseUnavailable(err)) {
      // A libSQL server down or busy past its retries: nothing of the request was committed, and
      // the same request can succeed a moment later.
      log.warn({ err: { name: err.name, message: err.message }, path: c.req.path }, 'database unavailable');
      c.header('Retry-After', '5');
      return c.json({ code: 'database_unavailable', message: 'The database is not reachable right now; nothing was stored. Try again in a few seconds.' }, 503);
    }
    log.error({ err: { name: err.name, message: err.message, stack: err.stack }, path: c.req.path }, 'unhandled error');
    return c.json({ code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' }, 500);
  };
}
