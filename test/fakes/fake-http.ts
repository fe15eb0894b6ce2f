// Shared core of the fake Slack and Discord APIs: a real HTTP server on 127.0.0.1 that records
// every request and can be scripted to fail, so tests exercise the real SDK clients end to end.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UploadedFile {
  /** multipart field name, e.g. `files[0]` (Discord) or `body` (Slack upload URL) */
  field: string;
  name: string;
  bytes: number;
  contentType: string;
}

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  at: number;
  /** request path including query string, e.g. to tell response_urls apart */
  path: string;
  /** file parts of a multipart request */
  files?: UploadedFile[];
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type CallMatcher = string | RegExp;
export type Answer = (call: RecordedCall) => ScriptedResponse | Promise<ScriptedResponse>;

// Captured at import so waitFor still times out when a test switches on vi.useFakeTimers().
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

interface Waiter {
  matcher: CallMatcher;
  count: number;
  resolve: (calls: RecordedCall[]) => void;
}

export abstract class FakeHttpServer {
  readonly calls: RecordedCall[] = [];
  /** requests refused while setDown(true); they never reach `calls` because the server "never saw" them */
  readonly dropped: Array<{ method: string; path: string; at: number }> = [];
  /** e.g. `http://127.0.0.1:PORT` */
  origin = '';
  private server: Server | undefined;
  private down = false;
  private scripts: Array<{ matcher: CallMatcher; queue: ScriptedResponse[] }> = [];
  private answers: Array<{ matcher: CallMatcher; answer: Answer }> = [];
  private waiters: Waiter[] = [];

  /** Turns a request into the name tests match on, e.g. `chat.postMessage` or `POST /api/v10/...`. */
  protected abstract methodOf(req: IncomingMessage): string;
  protected abstract matches(matcher: CallMatcher, method: string): boolean;
  protected abstract defaultAnswer(call: RecordedCall): ScriptedResponse | Promise<ScriptedResponse>;
  /** Fills in what the real platform always sends with a failure (Retry-After, error bodies...). */
  protected abstract completeScripted(response: ScriptedResponse): ScriptedResponse;

  async listen(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake server error: ${String(error)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  callsTo(matcher: CallMatcher): RecordedCall[] {
    return this.calls.filter((call) => this.matches(matcher, call.method));
  }

  waitFor(matcher: CallMatcher, count = 1, timeoutMs = 5000): Promise<RecordedCall[]> {
    const now = this.callsTo(matcher);
    if (now.length >= count) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        matcher,
        count,
        resolve: (calls) => {
          realClearTimeout(timer);
          resolve(calls);
        },
      };
      const timer = realSetTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.calls.map((c) => c.method).join(', ') || 'none';
        reject(new Error(`waitFor(${String(matcher)}, ${count}) timed out after ${timeoutMs}ms; calls so far: ${seen}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next matching calls get these responses, in order; later calls are answered normally again. */
  failNext(matcher: CallMatcher, ...responses: ScriptedResponse[]): void {
    this.scripts.push({ matcher, queue: [...responses] });
  }

  /** Replaces the default answer for matching calls until reset(); for methods the fake does not know. */
  answer(matcher: CallMatcher, answer: Answer): void {
    this.answers.unshift({ matcher, answer });
  }

  /** While down, every request gets a TCP reset, as during a network outage. */
  setDown(down: boolean): void {
    this.down = down;
  }

  reset(): void {
    this.calls.length = 0;
    this.dropped.length = 0;
    this.scripts = [];
    this.answers = [];
    this.down = false;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Keep-alive sockets held by undici would otherwise keep close() pending.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = this.methodOf(req);
    const path = req.url ?? '/';
    if (this.down) {
      this.dropped.push({ method, path, at: Date.now() });
      req.socket.resetAndDestroy();
      return;
    }
    const raw = await readAll(req);
    const { body, files } = await parseBody(raw, req.headers['content-type'] ?? '', (k, v) => this.decodeFormValue(k, v));
    const query = Object.fromEntries(new URL(path, this.origin).searchParams);
    const call: RecordedCall = { method, path, body: { ...query, ...body }, headers: req.headers, at: Date.now() };
    if (files.length > 0) call.files = files;
    this.shapeCall(call);
    this.calls.push(call);
    this.notifyWaiters();

    const script = this.scripts.find((s) => s.queue.length > 0 && this.matches(s.matcher, method));
    const scripted = script?.queue.shift();
    const custom = this.answers.find((a) => this.matches(a.matcher, method));
    const reply = scripted
      ? this.completeScripted(scripted)
      : await (custom ? custom.answer(call) : this.defaultAnswer(call));
    send(res, reply);
  }

  /** Form values that hold JSON (Slack's `blocks`, `files`...) are decoded by the Slack fake only. */
  /** Lets a fake record a friendlier body than the wire format (done before waiters see the call). */
  protected shapeCall(_call: RecordedCall): void {}

  protected decodeFormValue(_key: string, value: string): unknown {
    return value;
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) {
      const matching = this.callsTo(waiter.matcher);
      if (matching.length >= waiter.count) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(matching);
      }
    }
  }
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(
  raw: Buffer,
  contentType: string,
  decode: (key: string, value: string) => unknown,
): Promise<{ body: Record<string, unknown>; files: UploadedFile[] }> {
  const files: UploadedFile[] = [];
  const body: Record<string, unknown> = {};
  if (raw.length === 0) return { body, files };
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    // Arrays (e.g. Discord's bulk command overwrite) have no natural keys; keep them reachable.
    return { body: Array.isArray(parsed) ? { items: parsed } : (parsed as Record<string, unknown>), files };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) body[key] = decode(key, value);
    return { body, files };
  }
  if (contentType.startsWith('multipart/form-data')) {
    // undici's Request already implements a spec-compliant multipart parser.
    const form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    }).formData();
    for (const [key, value] of form) {
      if (typeof value === 'string') body[key] = decode(key, value);
      else files.push({ field: key, name: value.name, bytes: value.size, contentType: value.type });
    }
    return { body, files };
  }
  return { body: { bytes: raw.length }, files };
}

function send(res: ServerResponse, reply: ScriptedResponse): void {
  const headers: Record<string, string> = { ...reply.headers };
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  let payload: string | Buffer = '';
  if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
    payload = reply.body;
    if (!hasType) headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    if (!hasType) headers['content-type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}
