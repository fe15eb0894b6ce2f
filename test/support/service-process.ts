import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, prepareDatabase } from '../../db/client.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { freePort } from './net.ts';

/**
 * The real service (src/main.ts) in a child process on 127.0.0.1 and a free port, on a fresh database
 * file with one API key: for what an in-process test cannot survive (a native abort kills the whole
 * process) or cannot measure (the resident memory of the process serving the request).
 */
export async function startServiceProcess(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'user360-svc-'));
  const url = `file:${join(dir, 'svc.db')}`;
  const store = await createStore(url);
  await prepareDatabase(store);
  const { key } = await createApiKey(store, 'svc-test', Date.now());
  store.close();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!alive()) throw new Error(`the service exited on start: ${stderr}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the service did not answer /healthz within 90 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    base, key, alive, stderr: () => stderr,
    /** Resident memory of the service process in bytes (Linux: /proc/<pid>/status). */
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    async stop() {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * POSTs `total` bytes of `x` in 64 KB chunks, with a Content-Length or chunked, and stops sending as soon
 * as the server answers (it refuses before reading on). Resolves with the status and body of the answer.
 */
export function postStream(url: string, total: number, opts: { chunked: boolean; headers?: Record<string, string> }): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(opts.chunked ? {} : { 'content-length': String(total) }), ...opts.headers } });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, sent });
        req.destroy();
      });
    });
    // Once the server has answered it may close the socket on the rest of the upload: that is expected.
    req.on('error', (e) => (answered ? undefined : reject(e)));
    const pump = () => {
      while (!answered && sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
