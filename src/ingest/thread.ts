/**
 * The ingest thread: batches pushed to /v1 are checked and written on a worker thread with its own
 * connection to the same embedded file, so the event loop that answers Slack, Discord and the read API
 * (signature checks, acks, lookups on the reader connection) never runs a batch's statements.
 *
 * The batch still runs in this process's write turn (`store.exclusive`): no other write of this
 * process runs meanwhile, exactly as when the batch ran on the main thread, so every guarantee of
 * `ingestRecords` holds unchanged — one transaction per batch, its alerts and indexes written in it.
 * On a libSQL server there is no thread: a server's statements are network calls that leave the event
 * loop free while they wait. Off by default (INGEST_THREAD): it needs a core to spare, see
 * BENCHMARKS.md, "The ingest thread" in the section of 2026-12-02 15:00–16:00Z.
 */
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IdentityConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../../db/client.ts';
import type { IngestResult, RecordIssue } from './ingest.ts';

export type BatchOutcome = { issues: RecordIssue[] } | { issues: []; result: IngestResult };

/** What crosses to the thread: the parsed records (v8-serialised), who sent them, and this process's clock reading. */
export interface ThreadJob {
  id: number;
  raw: Uint8Array;
  actor: string;
  now: number;
}

/** An error thrown on the thread, as plain data: AppErrors keep their code and status. */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  status?: number;
  details?: unknown;
  app: boolean;
}

export type ThreadReply = { id: number; ok: true; value: BatchOutcome } | { id: number; ok: false; error: ThreadError };

export interface ThreadStart {
  /** The embedded file (`store.file`). */
  file: string;
  identity: IdentityConfig;
}

export interface IngestThread {
  /**
   * Checks and ingests `raw` as `ingestBatch` does, on the thread, in `store`'s write turn; undefined
   * when `raw` cannot be copied to a thread (nested deeper than the serialiser goes): the caller checks
   * it where it is, which refuses it as before.
   */
  run(raw: unknown[], actor: string, now: number): Promise<BatchOutcome> | undefined;
  /** Waits for the batches already sent, then ends the thread and closes its connection. */
  close(): Promise<void>;
}

/** Rebuilds an error the thread sent: an AppError stays one, anything else keeps its name, message and code. */
export function fromThread(e: ThreadError): Error {
  if (e.app) return new AppError(e.code!, e.message, e.status as ConstructorParameters<typeof AppError>[2], e.details);
  return Object.assign(new Error(e.message), { name: e.name, code: e.code });
}

/**
 * The worker's entry. Bundled, it is dist/ingest-thread.js beside dist/main.js; from the sources
 * (tests, `npm run dev`, the bench) the TypeScript file is loaded through tsx, which a worker does
 * not inherit from its parent's loader.
 */
function spawn(start: ThreadStart): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // tsx's ES-module API by its package's exports map: require.resolve would name the CommonJS one.
    const req = createRequire(import.meta.url);
    const pkg = req.resolve('tsx/package.json');
    const api = (req(pkg) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
    const tsx = pathToFileURL(join(dirname(pkg), api)).href;
    const entry = new URL('./thread-worker.ts', import.meta.url).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then((t) => t.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData: start });
  }
  return new Worker(new URL('./ingest-thread.js', import.meta.url), { workerData: start });
}

/**
 * The ingest thread for `store`, or undefined when the store is not a plain embedded file: an embedded
 * replica's file takes no writes of ours, and a server's statements leave the event loop free anyway.
 */
export function startIngestThread(store: Store, identity: IdentityConfig): IngestThread | undefined {
  if (!store.file) return undefined;
  const start: ThreadStart = { file: store.file, identity };
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: BatchOutcome) => void; reject: (e: Error) => void }>();
  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new AppError('ingest_unavailable', `the ingest thread stopped (${why}); nothing of this batch was reported stored: send it again (its record ids make it safe to repeat)`, 503));
    }
  };
  const ensure = (): Worker => {
    if (worker) return worker;
    const w = spawn(start);
    // The server keeps the process alive; an idle thread must not keep a finished CLI or test run open.
    w.unref();
    w.on('message', (m: ThreadReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(fromThread(m.error));
    });
    // A thread that ended or failed to start is replaced by the next batch's: the batches it held fail
    // with 503. The worker catches every job's error, so this is a crash of the thread itself; whether
    // the binding then rolls back a transaction it had begun is not covered by a test.
    w.on('error', (e) => {
      if (worker === w) worker = undefined;
      failAll(e.message);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(`exit code ${code}`);
    });
    return (worker = w);
  };
  let closing: Promise<void> | undefined;
  return {
    run: (raw, actor, now) => {
      let bytes: Uint8Array;
      try {
        bytes = serialize(raw);
      } catch {
        return undefined;
      }
      return store.exclusive(() => {
        if (closing) return Promise.reject(new AppError('shutting_down', 'the service is stopping; send the batch again shortly', 503));
        const id = nextId++;
        const job: ThreadJob = { id, raw: bytes, actor, now };
        return new Promise<BatchOutcome>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          // The buffer moves to the thread instead of being copied again, when it is the serialiser's own.
          const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
          ensure().postMessage(job, own ? [bytes.buffer as ArrayBuffer] : []);
        });
      });
    },
    close: () =>
      (closing ??= (async () => {
        // Queued behind every batch already in the write queue, so none is cut off mid-transaction.
        await store.exclusive(async () => undefined);
        const w = worker;
        if (!w) return;
        worker = undefined;
        const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
        w.postMessage('close');
        await exited;
      })()),
  };
}
