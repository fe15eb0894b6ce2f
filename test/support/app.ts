import { createApp } from '../../src/app.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { createLogger } from '../../src/logger.ts';
import { startIngestThread } from '../../src/ingest/thread.ts';
import { createTestStore, settableClock, testConfig } from './db.ts';

/**
 * The real Hono app on a fresh database, with one API key; requests go through `app.request()`.
 * Pushed batches run on the main thread unless `INGEST_THREAD: 'on'` is passed, or the whole run sets
 * USER360_TEST_INGEST_THREAD=on (to run any suite through the ingest thread); never on sqld (startIngestThread).
 */
export async function createTestApp(env: Record<string, string> = {}, now = '2026-11-25T12:00:00+08:00') {
  const store = await createTestStore();
  const config = testConfig(env);
  const clock = settableClock(now);
  const threaded = env.INGEST_THREAD === 'on' || (process.env.USER360_TEST_INGEST_THREAD === 'on' && env.INGEST_THREAD !== 'off');
  const ingestThread = threaded ? startIngestThread(store, config.identity) : undefined;
  const app = createApp({ store, config, clock, log: createLogger('silent'), ingestThread });
  const { key } = await createApiKey(store, 'test', clock().getTime());
  const auth = { authorization: `Bearer ${key}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const get = (path: string) => app.request(path, { headers: auth });
  return { app, store, config, clock, key, post, get, ingestThread, deps: { store, identity: config.identity, clock } };
}

/** Reads a JSON body and names it in assertion messages, so a failure shows what the server said. */
export async function body(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
