// Discord refuses a whole message when any one limit is broken, and customer data has no natural size
// (hundreds of wallets, long tag lists), so every embed is built through `embed()`, which fits text to
// the limits and to what is left of the message's 6,000-character budget.
// Types only: the notifiers render with this file, and loading discord.js itself costs seconds of start-up.
import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIEmbedField } from 'discord.js';
import type { Field } from '../render/format.ts';
import { escape } from './escape.ts';

export const LIMITS = {
  title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, author: 256,
  embeds: 10, total: 6000, content: 2000, rows: 5, buttonsPerRow: 5, label: 80, customId: 100,
} as const;

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

export const COLOR = { green: 0x2ecc71, yellow: 0xf1c40f, orange: 0xe67e22, red: 0xe74c3c, darkRed: 0x992d22, grey: 0x95a5a6, blurple: 0x5865f2 };

/** Cuts at a code-point boundary so no half emoji is left behind. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Joins as many whole lines as fit in `max` characters and counts the rest as "…and N more" (+ `hint`). */
export function fitLines(lines: readonly string[], max: number, hint = ''): string {
  const room = (n: number) => (n ? `\n…and ${n} more${hint}`.length : 0);
  const kept: string[] = [];
  let used = 0;
  for (const [i, raw] of lines.entries()) {
    const line = clip(raw, max - room(lines.length));
    const add = (kept.length ? 1 : 0) + line.length;
    if (used + add + room(lines.length - i - 1) > max) break;
    kept.push(line);
    used += add;
  }
  const dropped = lines.length - kept.length;
  if (!dropped) return kept.join('\n') || '—';
  return [...kept, `…and ${dropped} more${hint}`].join('\n');
}

/** Data is shown as typed, never as markdown (see escape.ts); the old name stays for callers. */
export { escape, escape as escapeMarkdown, escapeKeepingMentions, NO_MENTIONS } from './escape.ts';

const SHORT = 40;

/** Fields within the per-field limits (values cut at `valueMax`), at most 25, `budget` characters in all. */
function fitFields(fields: readonly Field[], budget: number, valueMax: number): APIEmbedField[] {
  const out: APIEmbedField[] = [];
  let used = 0;
  for (const [i, f] of fields.entries()) {
    const left = fields.length - i;
    const name = clip(f.name || '—', LIMITS.fieldName);
    const value = fitLines(f.value.split('\n').map(escape), Math.min(valueMax, LIMITS.fieldValue));
    const lastSlot = out.length === LIMITS.fields - 1 && left > 1;
    if (lastSlot || used + name.length + value.length + (left > 1 ? 30 : 0) > budget) {
      if (budget - used >= 30) out.push({ name: 'More', value: `…and ${left} more` });
      break;
    }
    out.push({ name, value, inline: value.length <= SHORT && !value.includes('\n') });
    used += name.length + value.length;
  }
  return out;
}

export interface EmbedSpec {
  title: string;
  /** description lines, already markdown (escape data with `escape`) */
  lines?: readonly string[];
  /** fields: names are our own labels, values plain text that is escaped here */
  fields?: readonly Field[];
  footer?: string;
  color: number;
  /** cap for each field value, below Discord's 1,024 (a card shows sections in brief) */
  valueMax?: number;
  /** appended to the "…and N more" line when the description is cut */
  moreHint?: string;
}

export function embedChars(e: APIEmbed): number {
  const fields = (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0) + fields;
}

/** One embed within Discord's limits and `budget` characters; the description takes what the fields leave. */
export function embed(spec: EmbedSpec, budget: number = LIMITS.total): APIEmbed {
  const title = clip(spec.title, LIMITS.title);
  const footer = spec.footer ? clip(spec.footer, LIMITS.footer) : undefined;
  const fixed = title.length + (footer?.length ?? 0);
  const reserve = spec.lines?.length ? Math.min(200, spec.lines.join('\n').length) : 0;
  const fields = fitFields(spec.fields ?? [], budget - fixed - reserve, spec.valueMax ?? LIMITS.fieldValue);
  const fieldChars = fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const e: APIEmbed = { title, color: spec.color };
  const room = Math.min(LIMITS.description, budget - fixed - fieldChars);
  if (spec.lines?.length && room > 20) e.description = fitLines(spec.lines, room, spec.moreHint);
  if (fields.length) e.fields = fields;
  if (footer) e.footer = { text: footer };
  return e;
}

type LooseMessage = { content?: string; embeds?: APIEmbed[]; components?: ReadonlyArray<{ components: ReadonlyArray<object> }> };

/** What would make Discord refuse `message`; empty when it is within every limit. */
export function checkDiscordLimits(message: LooseMessage): string[] {
  const problems: string[] = [];
  const over = (what: string, n: number, max: number) => n > max && problems.push(`${what}: ${n} > ${max}`);
  over('content', message.content?.length ?? 0, LIMITS.content);
  const embeds = message.embeds ?? [];
  over('embeds', embeds.length, LIMITS.embeds);
  embeds.forEach((e, i) => {
    over(`embed ${i} title`, e.title?.length ?? 0, LIMITS.title);
    over(`embed ${i} description`, e.description?.length ?? 0, LIMITS.description);
    over(`embed ${i} footer`, e.footer?.text.length ?? 0, LIMITS.footer);
    over(`embed ${i} author`, e.author?.name.length ?? 0, LIMITS.author);
    over(`embed ${i} fields`, e.fields?.length ?? 0, LIMITS.fields);
    e.fields?.forEach((f, j) => {
      over(`embed ${i} field ${j} name`, f.name.length, LIMITS.fieldName);
      over(`embed ${i} field ${j} value`, f.value.length, LIMITS.fieldValue);
      if (!f.name || !f.value) problems.push(`embed ${i} field ${j} is empty`);
    });
  });
  over('characters across embeds', embeds.reduce((n, e) => n + embedChars(e), 0), LIMITS.total);
  const rows = message.components ?? [];
  over('component rows', rows.length, LIMITS.rows);
  rows.forEach((row, i) => {
    over(`row ${i} components`, row.components.length, LIMITS.buttonsPerRow);
    for (const b of row.components as ReadonlyArray<{ label?: unknown; custom_id?: unknown }>) {
      over(`row ${i} label`, typeof b.label === 'string' ? b.label.length : 0, LIMITS.label);
      over(`row ${i} custom_id`, typeof b.custom_id === 'string' ? b.custom_id.length : 0, LIMITS.customId);
    }
  });
  return problems;
}
