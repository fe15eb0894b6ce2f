import type { APIActionRowComponent, APIButtonComponent } from 'discord.js';
import type { AlertView } from '../../commands/types.ts';
import { escape } from './escape.ts';
import { embed, type DiscordMessage } from './limits.ts';

/** custom_ids of an alert's buttons. */
export const alertCustomId = { ack: (id: number) => `u360:ack:${id}`, open: (uid: string) => `u360:open:${uid}` };
export const ALERT_BUTTON = { ack: 'u360:ack:', open: 'u360:open:' } as const;

const COLOR: Record<string, number> = { very_high: 0xb71c1c, high: 0xe53935, medium: 0xfb8c00, low_medium: 0xfdd835, low: 0x43a047 };
const NONE = 0x9e9e9e;

const acknowledger = (by: string) => {
  const [platform, id = ''] = by.split(':');
  // The id comes from Discord's signed interaction; NO_MENTIONS keeps it from pinging anyone.
  return platform === 'discord' && /^\d+$/.test(id) ? `<@${id}>` : escape(id);
};

/** An alert as an embed: the change (data escaped), who acknowledged it in the footer, and its buttons. */
export function alertMessage(a: AlertView): DiscordMessage {
  const acked = a.acknowledged ? `✅ Acknowledged by ${acknowledger(a.acknowledged.by)} at ${a.acknowledged.at}` : null;
  const buttons: APIButtonComponent[] = [
    { type: 2, style: 2, label: 'Open profile', custom_id: alertCustomId.open(a.unifiedId) },
    ...(acked ? [] : [{ type: 2 as const, style: 1 as const, label: 'Acknowledge', custom_id: alertCustomId.ack(a.id) }]),
  ];
  const row: APIActionRowComponent<APIButtonComponent> = { type: 1, components: buttons };
  return {
    embeds: [embed({ title: a.title, lines: a.lines.map((l) => `${l.label}: ${escape(l.value)}`), footer: acked ?? `/user360 lookup ${a.unifiedId}`, color: (a.level && COLOR[a.level]) || NONE })],
    components: [row],
  };
}
