import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Body limits per route, applied before anything reads (or verifies) a body. Hono's `bodyLimit`
 * refuses on Content-Length at once and counts the bytes of a chunked body as they arrive, so at
 * most the limit is ever held in memory.
 *
 * Chat platforms send small bodies, so their endpoints take far less than ingest:
 * - Discord 256 KB: an interaction carries at most one message (2,000 characters of content and
 *   6,000 of embeds, up to 6 bytes each when JSON-escaped: under 50 KB) plus the caller's member and
 *   channel objects; 256 KB leaves room without letting an unsigned sender make us buffer megabytes.
 * - Slack 1 MB: a block action carries the whole message it was clicked in, form-encoded (a
 *   percent-encoded CJK character costs 9 bytes), so a long Block Kit card needs more headroom.
 * - Anything else (health, OpenAPI, reads, unknown routes) takes no body: 16 KB.
 */
export const CHAT_BODY_LIMITS = { discord: 256 * 1024, slack: 1024 * 1024 } as const;
export const OTHER_BODY_LIMIT = 16 * 1024;

/**
 * A body limit that refuses with the one error shape: 413 `{ code: "body_too_large", message }`. The
 * answer is written here rather than thrown, so a chat adapter's routes mounted on their own (without
 * the app's error handler) refuse the same way.
 */
export function limitBody(maxBytes: number, hint = ''): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json({ code: 'body_too_large', message: `the body is larger than the limit of ${maxBytes} bytes for this route${hint}` }, 413),
  });
}

/** One middleware for the whole app: the limit of the route family the path belongs to. */
export function routeBodyLimits(ingestMaxBytes: number): MiddlewareHandler {
  const families: [prefix: string, limit: MiddlewareHandler][] = [
    ['/v1/', limitBody(ingestMaxBytes, '; send smaller batches')],
    ['/discord/', limitBody(CHAT_BODY_LIMITS.discord)],
    ['/slack/', limitBody(CHAT_BODY_LIMITS.slack)],
  ];
  const other = limitBody(OTHER_BODY_LIMIT);
  return (c, next) => (families.find(([prefix]) => c.req.path.startsWith(prefix))?.[1] ?? other)(c, next);
}
