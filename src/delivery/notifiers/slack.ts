import { ErrorCode, WebClient } from '@slack/web-api';
import { alertMessage } from '../../slack/alert-blocks.ts';
import { digestMessage } from '../../slack/digest-blocks.ts';
import { segmentChangeMessage } from '../../slack/segment-blocks.ts';
import type { SlackMessage } from '../../slack/limits.ts';
import { DeliveryError, type Notifier, type OutgoingMessage, type SendProgress, type Target } from './types.ts';

const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'user_not_found', 'cannot_dm_bot', 'missing_scope', 'invalid_blocks', 'msg_too_long']);

/**
 * Posts through the official WebClient with its own retries off: our retries live in the delivery rows,
 * so they honour Retry-After and survive a restart instead of sleeping in one process's memory.
 */
/** The model as Block Kit, by the Slack renderers. */
function render(m: OutgoingMessage): SlackMessage {
  if (m.kind === 'segment') return segmentChangeMessage(m.change);
  return m.kind === 'alert' ? alertMessage(m.alert) : digestMessage(m.digest, 'Volume chart for the last 30 days in the thread.');
}

export function slackNotifier(opts: { token: string; apiUrl?: string }): Notifier {
  const client = new WebClient(opts.token, { slackApiUrl: opts.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });

  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw toDeliveryError(e);
    }
  };

  return {
    platform: 'slack',
    async send(target: Target, model: OutgoingMessage, progress: SendProgress) {
      const m = render(model);
      const file = model.kind === 'digest' ? model.chart : undefined;
      let ref = progress.ref;
      if (!ref) {
        const channel = target.kind === 'user' ? (await call(() => client.conversations.open({ users: target.id }))).channel?.id : target.id;
        if (!channel) throw new DeliveryError('conversations.open returned no channel', undefined, true);
        const posted = await call(() => client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, unfurl_links: false }));
        ref = `${channel}:${posted.ts}`;
        await progress.saveRef(ref);
      }
      if (file) {
        const [channel, ts] = ref.split(':') as [string, string];
        await call(() => client.filesUploadV2({ channel_id: channel, thread_ts: ts, file: file.data, filename: file.name, title: file.title }));
      }
      return ref;
    },
    async update(ref, model) {
      const [channel, ts] = ref.split(':') as [string, string];
      const m = render(model);
      await call(() => client.chat.update({ channel, ts, text: m.text, blocks: m.blocks }));
    },
  };
}

function toDeliveryError(e: unknown): DeliveryError {
  const err = e as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number; message?: string };
  if (err.code === ErrorCode.RateLimitedError) return new DeliveryError('slack rate limited', (err.retryAfter ?? 1) * 1000);
  if (err.code === ErrorCode.PlatformError) {
    const code = err.data?.error ?? 'unknown';
    if (code === 'ratelimited') return new DeliveryError('slack rate limited', 1000);
    return new DeliveryError(`slack: ${code}`, undefined, PERMANENT.has(code));
  }
  if (err.code === ErrorCode.HTTPError) return new DeliveryError(`slack http ${err.statusCode}`);
  return new DeliveryError(`slack request failed: ${err.message ?? String(e)}`);
}
