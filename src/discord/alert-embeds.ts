import type { APIActionRowComponent, APIButtonComponent } from 'discord.js';
import type { AlertView } from '../../commands/types.ts';
import { escape } from './escape.ts';
import { embed, type DiscordMessage } from './limits.ts';

/** custom_ids of an alert's buttons (and of the resolve modal, `u360:resolved:<id>`). */
export const alertCustomId = {
  ack: (id: number) => `u360:ack:${id}`,
  open: (uid: string) => `u360:open:${uid}`,
  claim: (id: number) => `u360:claim:${id}`,
  resolve: (id: number) => `u360:resolve:${id}`,
  snooze: (id: number, d: string) => `u360:snooze:${d}:${id}`,
  resolveModal: (id: number) => `u360:resolved:${id}`,
};
export const ALERT_BUTTON = { ack: 'u360:ack:', open: 'u360:open:', claim: 'u360:claim:', resolve: 'u360:resolve:', snooze: 'u360:snooze:', resolveModal: 'u360:resolved:' } as const;
export const SNOOZE_BUTTONS = ['1h', '1d'] as const;
/** The text input of the resolve modal. */
export const NOTE_INPUT = 'note';

const COLOR: Record<string, number> = { very_high: 0xb71c1c, high: 0xe53935, medium: 0xfb8c00, low_medium: 0xfdd835, low: 0x43a047 };
const NONE = 0x9e9e9e;
const RESOLVED = 0x43a047;

const person = (by: string) => {
  const [platform, id = ''] = by.split(':');
  // The id comes from Discord's signed interaction; NO_MENTIONS keeps it from pinging anyone.
  return platform === 'discord' && /^\d+$/.test(id) ? `<@${id}>` : escape(by);
};

/** Where the alert stands; a resolution note is a person's text, escaped. */
function stateLines(a: AlertView): string[] {
  return [
    ...(a.acknowledged ? [`✅ Acknowledged by ${person(a.acknowledged.by)} at ${a.acknowledged.at}`] : []),
    ...(a.claimed ? [`🙋 Claimed by ${person(a.claimed.by)} at ${a.claimed.at}`] : []),
    ...(a.resolved ? [`☑️ Resolved by ${person(a.resolved.by)} at ${a.resolved.at}: ${escape(a.resolved.note)}`] : []),
    ...(a.snoozed ? [`💤 Snoozed by ${person(a.snoozed.by)} until ${a.snoozed.until}`] : []),
  ];
}

const button = (label: string, custom_id: string, style: 1 | 2 = 2): APIButtonComponent => ({ type: 2, style, label, custom_id });

/** An alert as an embed: the change (data escaped), where it stands, and the buttons that still apply. */
export function alertMessage(a: AlertView): DiscordMessage {
  const state = stateLines(a);
  const open = !a.resolved;
  const first: APIButtonComponent[] = [
    button('Open profile', alertCustomId.open(a.unifiedId)),
    ...(a.acknowledged || !open ? [] : [button('Acknowledge', alertCustomId.ack(a.id), 1)]),
    ...(a.claimed || !open ? [] : [button('Claim', alertCustomId.claim(a.id))]),
    ...(open ? [button('Resolve…', alertCustomId.resolve(a.id))] : []),
  ];
  const snooze = open ? SNOOZE_BUTTONS.map((d) => button(`Snooze ${d}`, alertCustomId.snooze(a.id, d))) : [];
  const rows: APIActionRowComponent<APIButtonComponent>[] = [{ type: 1, components: first }, ...(snooze.length ? [{ type: 1 as const, components: snooze }] : [])];
  return {
    embeds: [embed({
      title: `${a.reminder ? '⏰ Snooze ended · ' : ''}${a.title}`,
      lines: [...a.lines.map((l) => `${l.label}: ${escape(l.value)}`), ...(state.length ? ['', ...state] : [])],
      footer: `/user360 lookup ${a.unifiedId}`,
      color: a.resolved ? RESOLVED : (a.level && COLOR[a.level]) || NONE,
    })],
    components: rows,
  };
}
