import { DiscordAPIError, HTTPError, RateLimitError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { alertMessage } from '../../discord/alert-embeds.ts';
import { digestMessage } from '../../discord/digest-embeds.ts';
import { segmentChangeMessage } from '../../discord/segment-embeds.ts';
import { NO_MENTIONS } from '../../discord/escape.ts';
import type { DiscordMessage } from '../../discord/limits.ts';
import { DeliveryError, type Notifier, type OutgoingMessage, type SendProgress, type Target } from './types.ts';

/** The model as embeds, by the Discord renderers. */
function render(m: OutgoingMessage): DiscordMessage {
  if (m.kind === 'segment') return segmentChangeMessage(m.change);
  return m.kind === 'alert' ? alertMessage(m.alert) : digestMessage(m.digest, 'User 360 · figures for the GMT+8 day');
}

/**
 * Posts with discord.js's REST client, told to reject rate-limited requests instead of sleeping on them:
 * a 429's `retry_after` goes into the delivery row like Slack's Retry-After, so a long wait holds no
 * worker and survives a restart. Other failures come back to the delivery rows too.
 */
export function discordNotifier(opts: { token: string; apiUrl?: string }): Notifier {
  const rest = new REST({ retries: 0, rejectOnRateLimit: () => true, ...(opts.apiUrl ? { api: opts.apiUrl } : {}) }).setToken(opts.token);

  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RateLimitError) return Promise.reject(new DeliveryError('discord rate limited', Math.max(1000, e.retryAfter)));
      if (e instanceof DiscordAPIError) {
        if (e.status === 429) return Promise.reject(new DeliveryError('discord rate limited', 1000));
        return Promise.reject(new DeliveryError(`discord ${e.status}: ${e.message}`, undefined, e.status >= 400 && e.status < 500));
      }
      if (e instanceof HTTPError) return Promise.reject(new DeliveryError(`discord http ${e.status}`));
      return Promise.reject(new DeliveryError(`discord request failed: ${(e as Error).message}`));
    }
  };

  const channelOf = async (target: Target) =>
    target.kind === 'channel' ? target.id : ((await call(() => rest.post(Routes.userChannels(), { body: { recipient_id: target.id } }))) as { id: string }).id;

  return {
    platform: 'discord',
    async send(target: Target, model: OutgoingMessage, progress: SendProgress) {
      if (progress.ref) return progress.ref;
      const channel = await channelOf(target);
      const m = render(model);
      const file = model.kind === 'digest' ? model.chart : undefined;
      const files = file ? [{ name: file.name, data: file.data, contentType: 'image/png' }] : undefined;
      const embeds = file ? m.embeds.map((e, i) => (i === 0 ? { ...e, image: { url: `attachment://${file.name}` } } : e)) : m.embeds;
      const body = { content: '', embeds, components: m.components, allowed_mentions: NO_MENTIONS };
      const msg = (await call(() => rest.post(Routes.channelMessages(channel), { body, files }))) as { id: string };
      const ref = `${channel}:${msg.id}`;
      await progress.saveRef(ref);
      return ref;
    },
    async update(ref, model) {
      const [channel, id] = ref.split(':') as [string, string];
      const m = render(model);
      await call(() => rest.patch(Routes.channelMessage(channel, id), { body: { embeds: m.embeds, components: m.components, allowed_mentions: NO_MENTIONS } }));
    },
  };
}
