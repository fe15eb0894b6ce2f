import * as z from 'zod';

/** A node (or something in front of it) answered outside the JSON-RPC contract or with a result of the wrong shape. */
export class RpcAnswerError extends Error {}

/** The answer was bigger than we read; the indexer narrows its block window on this. */
export class AnswerTooLargeError extends RpcAnswerError {}

/** Largest answer read from a node: a window of logs beyond this is read again in halves. */
export const MAX_ANSWER_BYTES = 32 * 2 ** 20;

const answer = z
  .object({
    jsonrpc: z.literal('2.0', { error: 'expected "jsonrpc": "2.0"' }),
    // null only on an error the node could not tie to a request (a refused batch).
    id: z.union([z.number(), z.string(), z.null()]),
    error: z.object({ code: z.number(), message: z.string() }).optional(),
  })
  .loose()
  .refine((a) => 'result' in a || a.error !== undefined, 'an answer without a result or an error')
  .refine((a) => a.id !== null || a.error !== undefined, 'an answer without an id');

/**
 * The `fetch` viem's HTTP transport calls: it passes HTTP errors (429 with Retry-After, 5xx) through to
 * viem, whose retries read their status and headers, and checks every 2xx answer against the
 * JSON-RPC envelope: JSON, version, an id for each id asked (no more, no fewer), and a result or an
 * error. viem takes the envelope on trust — an answer under another id would be handed to the wrong
 * caller, a missing result would read as `undefined`.
 */
export const checkedFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (!res.ok) return res;
  const text = await readCapped(res, MAX_ANSWER_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RpcAnswerError(`malformed JSON-RPC answer: not JSON (${JSON.stringify(text.slice(0, 60))})`);
  }
  checkEnvelope(JSON.parse(String(init?.body)) as unknown, body);
  return new Response(text, { status: res.status, statusText: res.statusText, headers: { 'content-type': 'application/json' } });
};

function checkEnvelope(sent: unknown, got: unknown) {
  const asked = (Array.isArray(sent) ? sent : [sent]) as { id: number | string }[];
  // A node that refuses a whole batch answers one error for all of it, bare or in a one-element array
  // (geth); viem hands it to each caller.
  const batchRefused = Array.isArray(sent) && (!Array.isArray(got) || (got.length === 1 && sent.length > 1));
  if (Array.isArray(sent) !== Array.isArray(got) && !batchRefused) throw new RpcAnswerError('malformed JSON-RPC answer: a batch answered with a single object or the other way round');
  const answers = (Array.isArray(got) ? got : [got]) as unknown[];
  for (const a of answers) {
    const r = answer.safeParse(a);
    if (!r.success) throw new RpcAnswerError(`malformed JSON-RPC answer: ${r.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (batchRefused) {
    if (!((Array.isArray(got) ? got[0] : got) as { error?: unknown }).error) throw new RpcAnswerError('malformed JSON-RPC answer: a batch answered with a single result');
    return;
  }
  const want = asked.map((a) => String(a.id)).sort();
  const have = answers.map((a) => String((a as { id: unknown }).id)).sort();
  if (want.length !== have.length || want.some((w, i) => w !== have[i])) {
    throw new RpcAnswerError(`malformed JSON-RPC answer: ids ${short(have)} for requests ${short(want)}`);
  }
}

const short = (ids: string[]) => (ids.length > 4 ? `${ids.slice(0, 4).join(',')},… (${ids.length})` : ids.join(','));

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => {});
      throw new AnswerTooLargeError(`the node's answer exceeds ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The error and everything that caused it, outermost first (viem wraps what a transport threw). */
export function* causes(e: unknown): Generator<unknown> {
  for (let c = e, depth = 0; c && depth < 10; c = (c as { cause?: unknown }).cause, depth++) yield c;
}

/** How long a 429 (or 503) asked us to wait, from its Retry-After header; undefined when it did not say. */
export function retryAfterMs(e: unknown, now = Date.now()): number | undefined {
  for (const c of causes(e)) {
    const h = (c as { headers?: Headers }).headers;
    const v = h instanceof Headers ? h.get('retry-after') : null;
    if (!v) continue;
    if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}

/** One line for the log: our own validation message when there is one, else viem's short message and status. */
export function rpcErrorMessage(e: unknown): string {
  for (const c of causes(e)) if (c instanceof RpcAnswerError) return c.message;
  const v = e as { shortMessage?: string; status?: number; message?: string };
  const status = [...causes(e)].map((c) => (c as { status?: number }).status).find((s) => typeof s === 'number');
  return `${v.shortMessage ?? v.message?.split('\n')[0] ?? String(e)}${status ? ` (HTTP ${status})` : ''}`;
}
