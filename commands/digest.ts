import * as z from 'zod';
import { buildDigest } from '../src/digest/model.ts';
import { subscribeDigest, unsubscribeDigest } from '../src/digest/subscriptions.ts';
import { gmt8Day, isValidDay } from '../src/time.ts';
import { mayRunCompliance, notice, type CommandContext, type CommandResult } from './types.ts';

export const digestArgs = z.union([
  z.tuple([z.enum(['subscribe', 'unsubscribe'])]).transform(([action]) => ({ action })),
  z
    .tuple([z.literal('preview')])
    .rest(z.string().refine(isValidDay, 'preview takes a date like 2026-11-24'))
    .refine((w) => w.length <= 2, 'preview takes at most one date')
    .transform(([, day]) => ({ action: 'preview' as const, day })),
], { error: 'digest takes subscribe, unsubscribe or preview [YYYY-MM-DD], with a real date like 2026-11-24' });

export type DigestInput = z.infer<typeof digestArgs>;

/** `digest subscribe|unsubscribe` for the channel the command ran in; `digest preview [day]` for anyone. */
export async function digest(input: DigestInput, ctx: CommandContext): Promise<CommandResult> {
  const { caller, store } = ctx;
  const now = ctx.clock().getTime();
  if (input.action === 'preview') {
    const today = gmt8Day(now);
    const day = 'day' in input && input.day ? input.day : today;
    if (day > today) return { kind: 'usage_error', message: `${day} is in the future; today is ${today} (GMT+8). Preview today or a day before it.`, usage: [] };
    return { kind: 'digest', digest: await buildDigest(store.db, day, now, { preview: true }) };
  }
  if ((caller.platform !== 'slack' && caller.platform !== 'discord') || !caller.channelId) return notice(false, 'Run this in the channel that should get the digest', 'The daily digest is posted to Slack or Discord channels.');
  if (!mayRunCompliance(caller)) return notice(false, 'Only compliance and admin roles can change the daily digest', `Your role is ${caller.role}.`);
  const where = { platform: caller.platform, channelId: caller.channelId } as const;
  if (input.action === 'subscribe') {
    const fresh = await subscribeDigest(store, { ...where, by: caller.userId, now });
    return notice(true, fresh ? 'This channel will get the daily digest at 23:59 GMT+8' : 'This channel already gets the daily digest', 'Top customers are shown by unified ID only.');
  }
  const gone = await unsubscribeDigest(store, where);
  return notice(gone, gone ? 'This channel will no longer get the daily digest' : 'This channel was not subscribed to the daily digest');
}
