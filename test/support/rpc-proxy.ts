import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface RpcCall {
  id: number | string;
  method: string;
  params?: Json[];
}

/**
 * What the proxy does to a request instead of (or after) passing it to the node:
 * - `hang`: never answers (the client's timeout fires);
 * - `status`: answers that HTTP status (429 with `retryAfter` seconds, 5xx) and a text body;
 * - `bad-json`: 200 with a truncated JSON body;
 * - `wrong-id`: the node's answer under ids that were not asked;
 * - `swap-ids`: a batch's answers with their ids exchanged (each result lands at another caller);
 * - `no-result`: the answer without its `result`;
 * - `result`: the node's answer with `result` replaced by `edit(result, call)` (a result of the wrong shape);
 * - `drop`: the connection closed without an answer (a node gone);
 * - `delay`: the node's own answer, `ms` later (a slow node that does answer).
 */
export type Fault =
  | { kind: 'hang' }
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'bad-json' }
  | { kind: 'wrong-id' }
  | { kind: 'swap-ids' }
  | { kind: 'no-result' }
  | { kind: 'result'; edit: (result: Json, call: RpcCall) => Json }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number };

export interface Seen {
  at: number;
  methods: string[];
  calls: RpcCall[];
  /** The fault applied, if any. */
  fault?: Fault['kind'];
}

interface Rule {
  fault: Fault;
  /** Only requests carrying one of these methods (any method when unset). */
  methods?: string[];
  /** How many matching requests to fault before the rule expires (forever when unset). */
  times?: number;
  /** How many matching requests to let through untouched before the rule starts. */
  skip?: number;
  /** Only requests with a call this accepts (any matching method when unset). */
  when?: (call: RpcCall) => boolean;
}

/**
 * A JSON-RPC proxy on 127.0.0.1 (a free port) in front of a node, for fault tests: every request is
 * recorded, and the rules set by `fault()` decide which ones are answered badly. Everything else is
 * passed through to the node unchanged.
 */
export async function startRpcProxy(target: string) {
  let upstream = target;
  const rules: Rule[] = [];
  const seen: Seen[] = [];
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const forward = async (body: string) => {
    const res = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, text: await res.text() };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const parsed = JSON.parse(body) as RpcCall | RpcCall[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const methods = calls.map((c) => c.method);
    let rule = rules.find((r) => (!r.methods || methods.some((m) => r.methods!.includes(m))) && (!r.when || calls.some((c) => r.when!(c))));
    if (rule?.skip) {
      rule.skip--;
      rule = undefined;
    }
    if (rule && rule.times !== undefined && --rule.times <= 0) rules.splice(rules.indexOf(rule), 1);
    const fault = rule?.fault;
    seen.push({ at: Date.now(), methods, calls, fault: fault?.kind });
    const json = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    switch (fault?.kind) {
      case 'hang':
        held.add(res);
        res.once('close', () => held.delete(res));
        return;
      case 'drop':
        return void req.socket.destroy();
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}) });
        return void res.end(fault.status === 429 ? 'Too Many Requests' : 'Service Unavailable');
      case 'bad-json':
        return json(200, '{"jsonrpc":"2.0","id":');
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms));
        break;
    }
    let up: { status: number; text: string };
    try {
      up = await forward(body);
    } catch {
      // The node is down: the client sees its connection closed, as it would without a proxy.
      return void req.socket.destroy();
    }
    if (!fault || fault.kind === 'delay' || up.status !== 200) return json(up.status, up.text);
    const answer = JSON.parse(up.text) as Json;
    const answers: Json[] = Array.isArray(answer) ? answer : [answer];
    const byId = new Map(calls.map((c) => [String(c.id), c]));
    if (fault.kind === 'wrong-id') for (const a of answers) a.id = typeof a.id === 'number' ? a.id + 1000 : `${a.id}x`;
    if (fault.kind === 'swap-ids' && answers.length > 1) [answers[0].id, answers[1].id] = [answers[1].id, answers[0].id];
    if (fault.kind === 'no-result') for (const a of answers) delete a.result;
    if (fault.kind === 'result') {
      for (const a of answers) {
        const call = byId.get(String(a.id))!;
        if (!rule!.methods || rule!.methods.includes(call.method)) a.result = fault.edit(a.result, call);
      }
    }
    json(200, JSON.stringify(answer));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500).end(e.message);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** Requests held open right now by a `hang` fault. */
    get pending() {
      return held.size;
    },
    fault(fault: Fault, opts: { methods?: string[]; times?: number; skip?: number; when?: (call: RpcCall) => boolean } = {}) {
      rules.push({ fault, ...opts });
    },
    /** Ends every fault; held requests are closed without an answer. */
    clear() {
      rules.length = 0;
      for (const r of held) r.socket?.destroy();
    },
    retarget(url: string) {
      upstream = url;
    },
    async stop() {
      this.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type RpcProxy = Awaited<ReturnType<typeof startRpcProxy>>;
