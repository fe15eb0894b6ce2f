import type { ChatPlatform } from '../../../db/schema/constants.ts';
import type { AlertView } from '../../compliance/alert-view.ts';
import type { Digest } from '../../digest/model.ts';
import type { SegmentNotice } from '../../audience/segment-view.ts';

/**
 * What a delivery sends, as a model: each notifier renders it with its own platform's renderer
 * (src/slack, src/discord), so no rule builds Block Kit or embeds.
 */
export type OutgoingMessage =
  /** `edit`: the message (`send`'s ref) this replaces, for an alert's copy after a review change, instead of a new post. */
  | { kind: 'alert'; alert: AlertView; edit?: string }
  | { kind: 'digest'; digest: Digest; chart: { name: string; data: Buffer; title: string } }
  | { kind: 'segment'; change: SegmentNotice };

/** `channel:<id>` posts in a channel; `user:<id>` goes by direct message. */
export type Target = { kind: 'channel' | 'user'; id: string };

export function parseTarget(target: string): Target {
  const [kind, ...rest] = target.split(':');
  if ((kind !== 'channel' && kind !== 'user') || !rest.length) throw new Error(`bad delivery target "${target}"`);
  return { kind, id: rest.join(':') };
}

/** Progress of a delivery that takes more than one call (a message, then its chart), kept in its row. */
export interface SendProgress {
  ref: string | null;
  saveRef(ref: string): Promise<void>;
}

export interface Notifier {
  platform: ChatPlatform;
  send(target: Target, message: OutgoingMessage, progress: SendProgress): Promise<string>;
  /** Replaces a sent message (an alert's copy after a review change); `ref` is what `send` returned. */
  update(ref: string, message: OutgoingMessage): Promise<void>;
}

/** A failed send. `retryAfterMs` comes from the platform (429); `permanent` means retrying cannot help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly permanent = false,
  ) {
    super(message);
  }
}

export type Notifiers = Partial<Record<ChatPlatform, Notifier>>;
