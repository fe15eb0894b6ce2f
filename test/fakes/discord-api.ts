// Fake Discord HTTP API for the real @discordjs/rest client:
//   new REST({ api: api.url }).setToken('x')   // REST appends /v10 itself
// Calls are recorded as `${HTTP_METHOD} ${path}` (e.g. `POST /api/v10/channels/123/messages`);
// callsTo / waitFor / failNext match by string prefix or RegExp on that name. Multipart bodies are
// recorded as their parsed payload_json plus `call.files`; JSON array bodies as `{ items: [...] }`.
import type { IncomingMessage } from 'node:http';
import { FakeHttpServer, type CallMatcher, type RecordedCall, type ScriptedResponse } from './fake-http.ts';

export type { RecordedCall, ScriptedResponse, CallMatcher, UploadedFile, Answer } from './fake-http.ts';

export const DISCORD_BOT = { id: '100000000000000001', username: 'user360' } as const;
/** channel_id of messages sent through interaction webhooks (follow-ups, @original edits) */
export const INTERACTION_CHANNEL_ID = '100000000000000002';

const DISCORD_EPOCH = 1420070400000n;

type Route = [httpMethod: string, pattern: RegExp, answer: (call: RecordedCall, m: RegExpMatchArray) => ScriptedResponse];

export interface FakeDiscordOptions {
  /**
   * User 360's rule, not Discord's: every message the bot sends or edits carries
   * `allowed_mentions: { parse: [] }`. On (the default), a message without it is refused with a 400
   * naming the rule, so any send path that forgets it fails its test. The fake's own tests turn it off.
   */
  requireNoMentions?: boolean;
}

/** The calls that create or edit a message, and where their message payload sits. */
const MESSAGE_CALL = /^(POST \/api\/v\d+\/channels\/[^/]+\/messages|PATCH \/api\/v\d+\/channels\/[^/]+\/messages\/[^/]+|POST \/api\/v\d+\/webhooks\/[^/]+\/[^/]+|PATCH \/api\/v\d+\/webhooks\/[^/]+\/[^/]+\/messages\/[^/]+)$/;
const CALLBACK_CALL = /^POST \/api\/v\d+\/interactions\/[^/]+\/[^/]+\/callback$/;

/** Whether a message payload pings nobody: `allowed_mentions.parse` is an empty list. */
export const mentionsNobody = (payload: unknown): boolean => {
  const am = (payload as { allowed_mentions?: { parse?: unknown; users?: unknown; roles?: unknown } } | undefined)?.allowed_mentions;
  return Array.isArray(am?.parse) && am.parse.length === 0 && !(Array.isArray(am.users) && am.users.length) && !(Array.isArray(am.roles) && am.roles.length);
};

export class FakeDiscordApi extends FakeHttpServer {
  private seq = 0n;

  constructor(private readonly options: FakeDiscordOptions = {}) {
    super();
  }

  /** Base URL for REST's `api` option, e.g. `http://127.0.0.1:PORT/api` */
  get url(): string {
    return `${this.origin}/api`;
  }

  // Routes.webhookMessage() sends `@original` as `%40original`; record the readable form.
  protected methodOf(req: IncomingMessage): string {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let readable = path;
    try {
      readable = decodeURIComponent(path);
    } catch {
      // malformed escapes: keep the raw path
    }
    return `${req.method ?? 'GET'} ${readable}`;
  }

  protected matches(matcher: CallMatcher, method: string): boolean {
    return typeof matcher === 'string' ? method.startsWith(matcher) : matcher.test(method);
  }

  // Multipart requests carry the JSON in `payload_json`; record it as the body like a plain JSON request.
  protected override shapeCall(call: RecordedCall): void {
    const json = call.body.payload_json;
    if (typeof json !== 'string') return;
    const { payload_json: _, ...rest } = call.body;
    call.body = { ...rest, ...(JSON.parse(json) as Record<string, unknown>) };
  }

  protected completeScripted(response: ScriptedResponse): ScriptedResponse {
    if (response.status !== 429) {
      const message = `${response.status}: Scripted failure`;
      return { status: response.status, headers: response.headers, body: response.body ?? { message, code: 0 } };
    }
    // discord.js times its retry from the headers, so keep them consistent with the body
    // (not rounded up like Discord's Retry-After header, to keep tests fast).
    const given = response.body as { retry_after?: number; global?: boolean } | undefined;
    const header = Object.entries(response.headers ?? {}).find(([h]) => h.toLowerCase() === 'retry-after')?.[1];
    const retryAfter = given?.retry_after ?? (header !== undefined ? Number(header) : 1);
    const global = given?.global ?? false;
    const headers: Record<string, string> = {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Date.now() / 1000 + retryAfter),
      'X-RateLimit-Reset-After': String(retryAfter),
      'X-RateLimit-Bucket': 'fakebucket',
      'X-RateLimit-Scope': global ? 'global' : 'user',
      ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
      ...response.headers,
    };
    const body = { message: 'You are being rate limited.', retry_after: retryAfter, global, ...given };
    return { status: 429, headers, body };
  }

  /** A message call that would let Discord ping someone, or null when it is safe (or not a message). */
  private mentionProblem(call: RecordedCall): string | null {
    if (this.options.requireNoMentions === false) return null;
    if (MESSAGE_CALL.test(call.method)) return mentionsNobody(call.body) ? null : call.method;
    const data = (call.body as { type?: number; data?: unknown }).data;
    const type = (call.body as { type?: number }).type;
    if (CALLBACK_CALL.test(call.method) && (type === 4 || type === 7) && data !== undefined) return mentionsNobody(data) ? null : call.method;
    return null;
  }

  protected defaultAnswer(call: RecordedCall): ScriptedResponse {
    const unsafe = this.mentionProblem(call);
    if (unsafe) return invalidFormBody({ allowed_mentions: { _errors: [error('USER360_NO_MENTIONS', `${unsafe} must carry allowed_mentions: { parse: [] } (User 360 rule, test/fakes/discord-api.ts)`)] } });
    const [httpMethod = '', fullPath = ''] = call.method.split(' ');
    const path = fullPath.replace(/^\/api(\/v\d+)?/, '');
    for (const [method, pattern, answer] of this.routes) {
      const m = method === httpMethod ? path.match(pattern) : null;
      if (m) return answer(call, m);
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private readonly routes: Route[] = [
    ['POST', /^\/interactions\/([^/]+)\/([^/]+)\/callback$/, (call, m) => this.callback(call, m[1] ?? '')],
    ['POST', /^\/webhooks\/([^/]+)\/([^/]+)$/, (call) => ok(this.message(call, INTERACTION_CHANNEL_ID))],
    ['PATCH', /^\/webhooks\/([^/]+)\/([^/]+)\/messages\/([^/]+)$/, (call, m) => ok(this.message(call, INTERACTION_CHANNEL_ID, m[3]))],
    ['DELETE', /^\/webhooks\/([^/]+)\/([^/]+)\/messages\/([^/]+)$/, () => ({ status: 204 })],
    ['POST', /^\/channels\/([^/]+)\/messages$/, (call, m) => ok(this.message(call, m[1] ?? ''))],
    ['PATCH', /^\/channels\/([^/]+)\/messages\/([^/]+)$/, (call, m) => ok(this.message(call, m[1] ?? '', m[2]))],
    ['DELETE', /^\/channels\/([^/]+)\/messages\/([^/]+)$/, () => ({ status: 204 })],
    ['POST', /^\/users\/@me\/channels$/, (call) => this.dmChannel(call)],
    ['PUT', /^\/applications\/([^/]+)\/commands$/, (call, m) => this.commands(call, m[1] ?? '')],
    ['PUT', /^\/applications\/([^/]+)\/guilds\/([^/]+)\/commands$/, (call, m) => this.commands(call, m[1] ?? '', m[2])],
  ];

  private snowflake(): string {
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (++this.seq & 0xfffn));
  }

  private message(call: RecordedCall, channelId: string, editedId?: string): Record<string, unknown> {
    const b = call.body;
    const now = new Date().toISOString();
    const attachments = (call.files ?? []).map((f) => {
      const id = this.snowflake();
      const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${f.name}`;
      return { id, filename: f.name, size: f.bytes, content_type: f.contentType, url, proxy_url: url };
    });
    return {
      id: editedId === undefined || editedId === '@original' ? this.snowflake() : editedId,
      channel_id: channelId,
      type: 0,
      author: { id: DISCORD_BOT.id, username: DISCORD_BOT.username, discriminator: '0', bot: true },
      content: b.content ?? '',
      embeds: b.embeds ?? [],
      components: b.components ?? [],
      attachments,
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      flags: b.flags ?? 0,
      timestamp: now,
      edited_timestamp: editedId === undefined ? null : now,
    };
  }

  // Discord answers 204 unless the caller asks for the created resource.
  private callback(call: RecordedCall, interactionId: string): ScriptedResponse {
    if (String(call.body.with_response) !== 'true') return { status: 204 };
    const interaction = { id: interactionId, type: 2 };
    return ok({ interaction, resource: { type: call.body.type, message: this.message(call, INTERACTION_CHANNEL_ID) } });
  }

  private dmChannel(call: RecordedCall): ScriptedResponse {
    const recipient = String(call.body.recipient_id ?? '');
    return ok({ id: `DM${recipient}`, type: 1, last_message_id: null, recipients: [{ id: recipient, username: `user-${recipient}` }] });
  }

  private commands(call: RecordedCall, applicationId: string, guildId?: string): ScriptedResponse {
    const items = call.body.items;
    if (!Array.isArray(items)) return invalidFormBody({ _errors: [error('BASE_TYPE_ARRAY', 'Must be an array.')] });
    const errors: Record<string, unknown> = {};
    items.forEach((raw: unknown, i) => {
      const cmd = (raw ?? {}) as Record<string, unknown>;
      const fieldErrors: Record<string, unknown> = {};
      if (typeof cmd.name !== 'string' || cmd.name.length === 0) fieldErrors.name = required();
      // Only slash (CHAT_INPUT, type 1) commands carry a description; user/message commands must not.
      const chatInput = cmd.type === undefined || cmd.type === 1;
      if (chatInput && (typeof cmd.description !== 'string' || cmd.description.length === 0)) fieldErrors.description = required();
      if (Object.keys(fieldErrors).length > 0) errors[String(i)] = fieldErrors;
    });
    if (Object.keys(errors).length > 0) return invalidFormBody(errors);
    const created = items.map((cmd: Record<string, unknown>) => ({
      id: this.snowflake(),
      application_id: applicationId,
      version: this.snowflake(),
      type: 1,
      description: '',
      default_member_permissions: null,
      nsfw: false,
      ...(guildId ? { guild_id: guildId } : {}),
      ...cmd,
    }));
    return ok(created);
  }
}

function ok(body: unknown): ScriptedResponse {
  return { status: 200, body };
}

function error(code: string, message: string): { code: string; message: string } {
  return { code, message };
}

function required(): { _errors: Array<{ code: string; message: string }> } {
  return { _errors: [error('BASE_TYPE_REQUIRED', 'This field is required')] };
}

function invalidFormBody(errors: Record<string, unknown>): ScriptedResponse {
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors } };
}

export async function startFakeDiscordApi(options: FakeDiscordOptions = {}): Promise<FakeDiscordApi> {
  return new FakeDiscordApi(options).listen();
}
