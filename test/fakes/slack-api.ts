// Fake Slack Web API for the real @slack/web-api WebClient and @slack/bolt App:
//   new WebClient(token, { slackApiUrl: api.url, retryConfig: { retries: 0 } })
//   new App({ token, signingSecret, clientOptions: { slackApiUrl: api.url } })
// Calls are recorded under their Web API method name; two pseudo-methods cover the non-API URLs:
// `upload` (the files.uploadV2 byte upload) and `response_url` (POSTs to api.responseUrl(id)).
import type { IncomingMessage } from 'node:http';
import { FakeHttpServer, type CallMatcher, type RecordedCall, type ScriptedResponse } from './fake-http.ts';

export type { RecordedCall, ScriptedResponse, CallMatcher, UploadedFile, Answer } from './fake-http.ts';

export const SLACK_BOT = { userId: 'UBOT', botId: 'BBOT', teamId: 'T1', token: 'xoxb-fake' } as const;

// Free text that may legitimately look like JSON; WebClient only JSON-encodes non-string args.
const TEXT_FIELDS = new Set(['text', 'markdown_text', 'initial_comment', 'title', 'alt_text', 'filename', 'content']);

export class FakeSlackApi extends FakeHttpServer {
  private seq = 0;
  private uploads = new Map<string, { filename: string; length: number }>();

  /** Base URL for WebClient's `slackApiUrl`, e.g. `http://127.0.0.1:PORT/api/` */
  get url(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url for slash-command / interactivity payloads; POSTs to it are recorded as `response_url`. */
  responseUrl(id: string): string {
    return `${this.origin}/response/${encodeURIComponent(id)}`;
  }

  override reset(): void {
    super.reset();
    this.uploads.clear();
  }

  protected methodOf(req: IncomingMessage): string {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/')) return path.slice('/api/'.length);
    if (path.startsWith('/upload/')) return 'upload';
    if (path.startsWith('/response/')) return 'response_url';
    return `unknown ${path}`;
  }

  // Slack method names are exact: 'chat.post' must not also script chat.postEphemeral.
  protected matches(matcher: CallMatcher, method: string): boolean {
    return typeof matcher === 'string' ? matcher === method : matcher.test(method);
  }

  protected override decodeFormValue(key: string, value: string): unknown {
    if (TEXT_FIELDS.has(key) || !/^\s*[[{]/.test(value)) return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }

  // WebClient posts the bytes as a multipart part named `body` with filename "Untitled", so the real
  // name comes from the earlier files.getUploadURLExternal call.
  protected override shapeCall(call: RecordedCall): void {
    if (call.method !== 'upload') return;
    const fileId = call.path.split('/').pop() ?? '';
    const bytes = call.files ? call.files.reduce((sum, f) => sum + f.bytes, 0) : Number(call.body.bytes ?? 0);
    const filename = this.uploads.get(fileId)?.filename ?? call.files?.[0]?.name ?? 'unknown';
    call.body = { bytes, filename, file_id: fileId };
  }

  protected completeScripted(response: ScriptedResponse): ScriptedResponse {
    const headers = { ...response.headers };
    // Slack always says how long to back off; WebClient aborts on a 429 without it.
    if (response.status === 429 && !Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')) {
      headers['Retry-After'] = '1';
    }
    const fallback = response.status === 429 ? { ok: false, error: 'ratelimited' } : { ok: false, error: `http_${response.status}` };
    return { status: response.status, headers, body: response.body ?? fallback };
  }

  protected defaultAnswer(call: RecordedCall): ScriptedResponse {
    const b = call.body;
    const ok = (body: Record<string, unknown>): ScriptedResponse => ({ status: 200, body: { ok: true, ...body } });
    switch (call.method) {
      case 'auth.test':
        return ok({
          url: 'https://t1.slack.com/',
          team: 'User 360 Test',
          user: 'user360',
          team_id: SLACK_BOT.teamId,
          user_id: SLACK_BOT.userId,
          bot_id: SLACK_BOT.botId,
          is_enterprise_install: false,
        });
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const message = { type: 'message', text: b.text ?? '', user: SLACK_BOT.userId, bot_id: SLACK_BOT.botId, ts, blocks: b.blocks };
        return ok({ channel: b.channel, ts, message });
      }
      case 'chat.postEphemeral':
        return ok({ message_ts: this.nextTs() });
      case 'chat.update':
        return ok({ channel: b.channel, ts: b.ts, text: b.text ?? '', message: { text: b.text ?? '', blocks: b.blocks } });
      case 'views.open':
        return ok({ view: { ...(b.view as object), id: `V${String(++this.seq).padStart(8, '0')}` } });
      case 'conversations.open':
        return ok({ channel: { id: `D${String(b.users ?? '').split(',')[0]}` } });
      case 'users.info': {
        const id = String(b.user ?? 'U1');
        const name = `user-${id.toLowerCase()}`;
        const profile = { email: `${name}@example.com`, display_name: name, real_name: `User ${id}` };
        return ok({ user: { id, team_id: SLACK_BOT.teamId, name, real_name: profile.real_name, tz: 'UTC', is_bot: false, profile } });
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++this.seq).padStart(8, '0')}`;
        this.uploads.set(fileId, { filename: String(b.filename ?? 'file'), length: Number(b.length ?? 0) });
        return ok({ upload_url: `${this.origin}/upload/v1/${fileId}`, file_id: fileId });
      }
      case 'upload':
        return { status: 200, body: `OK - ${String(b.bytes)}` };
      case 'files.completeUploadExternal': {
        const requested = Array.isArray(b.files) ? (b.files as Array<{ id: string; title?: string }>) : [];
        const files = requested.map(({ id, title }) => {
          const name = this.uploads.get(id)?.filename ?? id;
          return { id, name, title: title ?? name, size: this.uploads.get(id)?.length ?? 0, permalink: `https://t1.slack.com/files/${id}` };
        });
        return ok({ files });
      }
      case 'response_url':
        return ok({});
      default:
        // Like Slack: unknown methods fail loudly; use api.answer(method, fn) to teach the fake more.
        return { status: call.method.startsWith('unknown ') ? 404 : 200, body: { ok: false, error: 'unknown_method' } };
    }
  }

  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  return new FakeSlackApi().listen();
}
