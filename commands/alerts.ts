import * as z from 'zod';
import { ALERT_FILTERS, RISK_LEVELS } from '../db/schema/constants.ts';
import { listAlertSubscriptions, subscribeAlerts, unsubscribeAlerts } from '../src/compliance/alert-subscriptions.ts';
import { mayRunCompliance, notice, type Caller, type CommandContext, type CommandResult } from './types.ts';

// Slack writes a channel as <#C123|name>, Discord as <#123>.
const CHANNEL = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i;
const isChannel = (w: string) => CHANNEL.test(w);
const filterOf = (w: string) => (ALERT_FILTERS as readonly string[]).includes(w.toLowerCase());
const levelOf = (w: string) => (RISK_LEVELS as readonly string[]).includes(w.toLowerCase());

export const alertsArgs = z
  .array(z.string())
  .min(1, 'alerts takes subscribe [kyc|risk|exposure|all] [min-level] [#channel], unsubscribe [kyc|risk|exposure|all] [#channel] or list')
  .transform((words, ctx) => {
    const [action, ...rest] = words.map((w, i) => (i === 0 || !isChannel(w) ? w.toLowerCase() : w));
    const channel = rest.find(isChannel)?.match(CHANNEL)?.[1];
    const others = rest.filter((w) => !isChannel(w));
    const filter = others.find(filterOf) as (typeof ALERT_FILTERS)[number] | undefined;
    const minLevel = others.find(levelOf) as (typeof RISK_LEVELS)[number] | undefined;
    const unknown = others.filter((w) => !filterOf(w) && !levelOf(w));
    if (action !== 'subscribe' && action !== 'unsubscribe' && action !== 'list') {
      ctx.addIssue({ code: 'custom', message: `alerts takes subscribe, unsubscribe or list, not "${action}"` });
      return z.NEVER;
    }
    if (unknown.length) {
      ctx.addIssue({ code: 'custom', message: `"${unknown[0]}" is not a kind (kyc, risk, exposure, all) or a risk level (${RISK_LEVELS.join(', ')})` });
      return z.NEVER;
    }
    if (minLevel && action !== 'subscribe') {
      ctx.addIssue({ code: 'custom', message: 'a minimum level only goes with subscribe' });
      return z.NEVER;
    }
    return { action, filter, minLevel, channel } as const;
  });

export type AlertsInput = z.infer<typeof alertsArgs>;

function targetOf(caller: Caller, channel?: string): string | null {
  if (channel) return `channel:${channel}`;
  return caller.platform === 'cli' ? null : `user:${caller.userId}`;
}
const describe = (t: string) => (t.startsWith('channel:') ? `<#${t.slice(8)}>` : 'your direct messages');

/**
 * `alerts subscribe [kyc|risk|exposure|all] [min-level] [#channel]`: compliance alerts by DM, or in a channel
 * (which never shows personal data). Only compliance and admin roles may subscribe.
 */
export async function alerts(input: AlertsInput, ctx: CommandContext): Promise<CommandResult> {
  const { caller, store } = ctx;
  if (caller.platform !== 'slack' && caller.platform !== 'discord') return notice(false, 'Alerts are delivered in Slack or Discord', 'Run /user360 alerts there; `npx user360 alerts failed` lists deliveries that failed.');
  const target = targetOf(caller, input.channel)!;
  const platform = caller.platform;
  if (input.action === 'list') {
    const mine = await listAlertSubscriptions(store.db, platform, [`user:${caller.userId}`, ...(input.channel ? [target] : caller.channelId ? [`channel:${caller.channelId}`] : [])]);
    if (!mine.length) return notice(true, 'No alert subscriptions here', 'Subscribe with /user360 alerts subscribe [kyc|risk|exposure|all] [min-level] [#channel].');
    return notice(true, 'Alert subscriptions', ...mine.map((s) => `${describe(s.target)}: ${s.filter}${s.minLevel ? ` from ${s.minLevel}` : ''}`));
  }
  if (!mayRunCompliance(caller)) return notice(false, 'Only compliance and admin roles can subscribe to compliance alerts', `Your role is ${caller.role}. Ask an admin: /user360 roles grant @you compliance`);
  if (input.action === 'subscribe') {
    const filter = input.filter ?? 'all';
    await subscribeAlerts(store, { platform, target, filter, minLevel: input.minLevel ?? null, by: caller.userId, now: ctx.clock().getTime() });
    const lines = [`Kind: ${filter}${input.minLevel ? `, only into ${input.minLevel} or above` : ''}.`];
    if (target.startsWith('channel:')) lines.push('Channel alerts carry the unified ID and the change only, no personal data.');
    return notice(true, `Compliance alerts will go to ${describe(target)}`, ...lines);
  }
  const n = await unsubscribeAlerts(store, { platform, target, filter: input.filter });
  return notice(n > 0, n > 0 ? `Stopped ${n} alert subscription(s) for ${describe(target)}` : `No matching alert subscription for ${describe(target)}`);
}
