import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { customers, identifiers, traits, type Alert, type ChatPlatform } from '../../db/schema/index.ts';
import type { OutgoingMessage } from '../notify/types.ts';
import { KYC_BADGE, RISK_BADGE } from '../render/format.ts';
import { formatGmt8 } from '../time.ts';
import { levelChanged, statusChanged } from './outbox.ts';

export const ALERT_ACTION = { ack: 'user360_ack', open: 'user360_open' } as const;
export const alertCustomId = { ack: (id: number) => `u360:ack:${id}`, open: (uid: string) => `u360:open:${uid}` };

const SEVERITY: Record<string, { emoji: string; color: number }> = {
  very_high: { emoji: '🚨', color: 0xb71c1c },
  high: { emoji: '🔴', color: 0xe53935 },
  medium: { emoji: '🟠', color: 0xfb8c00 },
  low_medium: { emoji: '🟡', color: 0xfdd835 },
  low: { emoji: '🟢', color: 0x43a047 },
};
const NONE = { emoji: '⚪', color: 0x9e9e9e };

/** Name and email of a unified customer, for subscribers whose role may see personal data. */
export async function customerBrief(db: Queryable, unifiedId: string): Promise<{ name: string | null; email: string | null }> {
  const group = db.select({ id: customers.id }).from(customers).where(eq(customers.rootId, unifiedId));
  const [[t], [e]] = await Promise.all([
    db.select({ name: traits.name }).from(traits).where(inArray(traits.customerId, group)).orderBy(desc(traits.updatedAt)).limit(1),
    db.select({ value: identifiers.value }).from(identifiers).where(and(inArray(identifiers.customerId, group), eq(identifiers.type, 'email'))).orderBy(asc(identifiers.id)).limit(1),
  ]);
  return { name: t?.name ?? null, email: e?.value ?? null };
}

const mention = (platform: ChatPlatform, by: string) => {
  const [p, id] = by.split(':') as [string, string];
  return p === platform && (p === 'slack' || p === 'discord') ? `<@${id}>` : id;
};

/**
 * The alert as every platform shows it. `personal` is given only when the audience may see personal
 * data; a channel never gets it, so a channel alert names the unified ID and the change, nothing more.
 */
export function alertMessage(a: Alert, platform: ChatPlatform, personal?: { name: string | null; email: string | null }): OutgoingMessage {
  const sev = (a.toLevel && SEVERITY[a.toLevel]) || NONE;
  const what = a.kind === 'merge' ? 'KYC state after a merge' : statusChanged(a) && levelChanged(a) ? 'KYC status and risk level' : statusChanged(a) ? 'KYC status' : 'Risk level';
  const title = `${sev.emoji} ${what} changed · ${a.unifiedId}`;
  const lines = [
    ...(personal && (personal.name || personal.email) ? [`Customer: ${[personal.name, personal.email].filter(Boolean).join(' · ')}`] : []),
    ...(statusChanged(a) ? [`KYC status: ${KYC_BADGE[a.fromStatus!]} → ${KYC_BADGE[a.toStatus!]}`] : a.toStatus ? [`KYC status: ${KYC_BADGE[a.toStatus]}`] : []),
    levelChanged(a)
      ? `Risk level: ${a.fromLevel ? RISK_BADGE[a.fromLevel] : 'none'} → ${RISK_BADGE[a.toLevel!]} (score ${a.riskScore})`
      : `Risk level: ${a.toLevel ? `${RISK_BADGE[a.toLevel]} (score ${a.riskScore})` : 'not scored'}`,
    ...(a.reason ? [`Reason: ${a.reason}`] : []),
    `When: ${formatGmt8(a.at)}`,
  ];
  const acked = a.acknowledgedBy ? `✅ Acknowledged by ${mention(platform, a.acknowledgedBy)} at ${formatGmt8(a.acknowledgedAt!)}` : null;
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    text: title,
    slack: {
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
        { type: 'section', text: { type: 'mrkdwn', text: lines.map(escape).join('\n').slice(0, 3000) } },
        ...(acked ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: acked }] }] : []),
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: ALERT_ACTION.open, text: { type: 'plain_text', text: 'Open profile' }, value: a.unifiedId },
            ...(acked ? [] : [{ type: 'button', action_id: ALERT_ACTION.ack, style: 'primary', text: { type: 'plain_text', text: 'Acknowledge' }, value: String(a.id) }]),
          ],
        },
      ],
    },
    discord: {
      embeds: [{ title: title.slice(0, 256), description: lines.join('\n').slice(0, 4096), color: sev.color, footer: { text: acked ?? `/user360 lookup ${a.unifiedId}` } }],
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 2, label: 'Open profile', custom_id: alertCustomId.open(a.unifiedId) },
            ...(acked ? [] : [{ type: 2, style: 1, label: 'Acknowledge', custom_id: alertCustomId.ack(a.id) }]),
          ],
        },
      ],
    },
  };
}
