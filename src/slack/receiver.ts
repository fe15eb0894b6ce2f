import { ReceiverMultipleAckError, verifySlackRequest, type App, type Receiver } from '@slack/bolt';
import { Hono, type Context } from 'hono';
import { CHAT_BODY_LIMITS, limitBody } from '../http/body-limit.ts';
import type { Logger } from '../logger.ts';

export interface HonoReceiverOptions {
  signingSecret: string;
  log: Logger;
  /** epoch ms; request timestamps are judged against it (the service clock, settable in tests) */
  now: () => number;
  /**
   * Runs before a verified request reaches Bolt, e.g. a memoised `app.init()`. Keeping Bolt's `auth.test`
   * out of start-up means a wrong token or a Slack outage can't crash the process or block ingest.
   */
  prepare?: () => Promise<void>;
  /** Slack gives up after 3 s; an unacknowledged request is closed just after that. */
  unackedTimeoutMs?: number;
  maxBodyBytes?: number;
}

const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Bolt's receiver contract for Hono: verify the signature on the raw body, answer Slack's own checks,
 * hand everything else to `app.processEvent`, and let the listener's `ack()` produce the HTTP response
 * (so a fast command's answer travels in the acknowledgement, with no second round trip).
 */
export class HonoReceiver implements Receiver {
  readonly routes = new Hono();
  private app: App | undefined;
  private readonly seen: RecentIds;

  constructor(private readonly opts: HonoReceiverOptions) {
    this.seen = new RecentIds(opts.now);
    const limit = limitBody(opts.maxBodyBytes ?? CHAT_BODY_LIMITS.slack);
    this.routes.post('/events', limit, (c) => this.handle(c));
  }

  init(app: App): void {
    this.app = app;
  }

  // Hono serves the routes; main.ts owns the listening socket, so there is nothing to open or close here.
  start(): Promise<Hono> {
    return Promise.resolve(this.routes);
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  private async handle(c: Context): Promise<Response> {
    const raw = await c.req.text();
    const form = (c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(raw) : undefined;
    // Slack's SSL probe is not signed; it gets an empty 200 and nothing of it is processed.
    if (form?.get('ssl_check') === '1') return c.body(null, 200);

    const refusal = this.verify(c, raw);
    if (refusal) {
      this.opts.log.warn({ reason: refusal, path: c.req.path }, 'refused an unverified Slack request');
      return c.json({ code: 'invalid_signature', message: 'request signature could not be verified' }, 401);
    }
    const body = parseBody(raw, form);
    if (!body) return c.json({ code: 'invalid_body', message: 'expected a Slack payload' }, 400);
    if (body.type === 'url_verification') return c.json({ challenge: body.challenge });

    // Slack resends an event it got no 2xx for; the same event_id is the same event, so run it once.
    const eventId = body.type === 'event_callback' && typeof body.event_id === 'string' ? body.event_id : undefined;
    if (eventId && !this.seen.add(eventId)) return c.body(null, 200, { 'x-slack-no-retry': '1' });

    const app = this.app;
    try {
      if (!app) throw new Error('receiver used before Bolt called init()');
      await this.opts.prepare?.();
    } catch (error) {
      if (eventId) this.seen.delete(eventId);
      this.opts.log.error({ err: error }, 'Slack app is not ready');
      // A person who typed a command deserves a sentence, not Slack's generic failure.
      if (typeof body.command === 'string') return c.json({ response_type: 'ephemeral', text: 'User 360 cannot reach Slack right now. Please try again in a minute.' });
      return c.json({ code: 'not_ready', message: 'Slack app is not ready' }, 503);
    }
    const retryNum = Number.parseInt(c.req.header('x-slack-retry-num') ?? '', 10);
    const retryReason = c.req.header('x-slack-retry-reason');
    const response = await this.dispatch(app, body, Number.isNaN(retryNum) ? undefined : retryNum, retryReason);
    if (eventId && response.status >= 300) this.seen.delete(eventId);
    return response;
  }

  private verify(c: Context, raw: string): string | undefined {
    const signature = c.req.header('x-slack-signature');
    const timestamp = c.req.header('x-slack-request-timestamp');
    if (!signature || !timestamp) return 'missing x-slack-signature or x-slack-request-timestamp';
    if (!/^\d{1,12}$/.test(timestamp)) return 'malformed timestamp';
    const nowMs = this.opts.now();
    // Bolt only refuses old timestamps; one far in the future is as much a replay risk.
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return 'timestamp more than 5 minutes from now';
    try {
      verifySlackRequest({
        signingSecret: this.opts.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
        nowMilliseconds: nowMs,
      });
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private dispatch(app: App, body: Record<string, unknown>, retryNum: number | undefined, retryReason: string | undefined): Promise<Response> {
    const { log } = this.opts;
    return new Promise((resolve) => {
      let answered = false;
      let acked = false;
      const answer = (res: Response) => {
        if (answered) return false;
        answered = true;
        clearTimeout(timer);
        resolve(res);
        return true;
      };
      const timer = setTimeout(() => {
        if (answer(new Response(null, { status: 404 }))) log.error({ type: body.type }, 'a Slack request was not acknowledged within 3 seconds');
      }, this.opts.unackedTimeoutMs ?? 3001);
      const ack = async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        if (!answer(toResponse(response))) log.warn({ type: body.type }, 'ack() came after Slack stopped waiting');
      };
      app.processEvent({ body, ack, retryNum, retryReason }).then(
        () => {
          if (answer(new Response(null, { status: 404 }))) log.warn({ type: body.type }, 'no listener acknowledged a Slack request');
        },
        (error: unknown) => {
          // Bolt's error handler has logged the details already.
          if (answer(new Response(null, { status: 500 }))) log.error({ type: body.type, err: error }, 'Slack request failed before ack');
        },
      );
    });
  }
}

/** Slash commands are plain form fields, interactivity is JSON in a `payload` field, events are JSON. */
function parseBody(raw: string, form: URLSearchParams | undefined): Record<string, unknown> | undefined {
  try {
    if (form) {
      const payload = form.get('payload');
      return payload === null ? Object.fromEntries(form) : asObject(JSON.parse(payload));
    }
    return asObject(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

const asObject = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function toResponse(body: unknown): Response {
  if (body === undefined || body === null || body === '') return new Response(null, { status: 200 });
  if (typeof body === 'string') return new Response(body, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return Response.json(body);
}

/** Event ids seen in the last hour (Slack's retries come within minutes), bounded so a flood can't grow it. */
export class RecentIds {
  private readonly ids = new Map<string, number>();
  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly max = 10_000,
  ) {}

  /** False when the id was already seen. */
  add(id: string): boolean {
    const now = this.now();
    // Map keeps insertion order, which is time order: expired ids sit at the front.
    for (const [old, at] of this.ids) {
      if (at > now - this.ttlMs && this.ids.size < this.max) break;
      this.ids.delete(old);
    }
    if (this.ids.has(id)) return false;
    this.ids.set(id, now);
    return true;
  }

  delete(id: string): void {
    this.ids.delete(id);
  }
}
