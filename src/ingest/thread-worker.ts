/**
 * The ingest thread's side (see thread.ts): its own store on the same file, no migrations (the main
 * thread ran them before starting it), and each job through the same `checkAndIngest` as on the main
 * thread, with the main thread's clock reading, so the answers cannot differ.
 */
import { deserialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createStore } from '../../db/client.ts';
import { AppError } from '../errors.ts';
import { checkAndIngest } from './ingest.ts';
import type { ThreadError, ThreadJob, ThreadReply, ThreadStart } from './thread.ts';

const start = workerData as ThreadStart;
const port = parentPort!;
const store = createStore(`file:${start.file}`);
// A failed open fails each job with its error; the main thread's next batch starts a new thread.
store.catch(() => undefined);

function plain(e: unknown): ThreadError {
  if (e instanceof AppError) return { name: e.name, message: e.message, code: e.code, status: e.status, details: e.details, app: true };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, code: (err as { code?: string }).code, app: false };
}

// One job at a time: the main thread sends the next only after this one's reply (its write turn).
port.on('message', async (m: ThreadJob | 'close') => {
  if (m === 'close') {
    (await store.catch(() => undefined))?.close();
    port.close();
    return;
  }
  let reply: ThreadReply;
  try {
    const s = await store;
    reply = { id: m.id, ok: true, value: await checkAndIngest(deserialize(m.raw) as unknown[], m.actor, { store: s, identity: start.identity, clock: () => new Date(m.now) }) };
  } catch (e) {
    reply = { id: m.id, ok: false, error: plain(e) };
  }
  port.postMessage(reply);
});
