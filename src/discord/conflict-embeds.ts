import type { APIActionRowComponent, APIButtonComponent } from 'discord.js';
import type { ConflictRow, ConflictsResult } from '../../commands/conflicts.ts';
import { escape } from './escape.ts';
import { COLOR, embed, type DiscordMessage } from './limits.ts';

/** `u360:conflict:approve:<id>` / `u360:conflict:dismiss:<id>` (Dismiss opens a modal asking why). */
export const CONFLICT_BUTTON = 'u360:conflict:';
/** The dismiss modal (`u360:dismissed:<id>`) and its text input. */
export const CONFLICT_DISMISS_MODAL = 'u360:dismissed:';
export const REASON_INPUT = 'reason';

/** A conflict's words as plain text: embed() escapes field values (the identifier, record id and note are data). */
const value = (c: ConflictRow) =>
  `${c.customerIds.join(' / ')}${c.identifier ? ` · ${c.identifier}` : ''}\n${c.detail}${c.record ? ` (record ${c.record})` : ''}` +
  (c.resolution ? `\n${c.resolution.decision === 'approved' ? '☑️ Approved' : '✖️ Dismissed'} by ${c.resolution.by} at ${c.resolution.at}${c.resolution.note ? `: ${c.resolution.note}` : ''}` : '');

/** The review list as one embed, a row of Approve/Dismiss per open conflict (at most five rows a message). */
export function conflictsEmbeds(r: ConflictsResult): DiscordMessage {
  const rows: APIActionRowComponent<APIButtonComponent>[] = r.rows
    .filter((c) => !c.resolution)
    .slice(0, 5)
    .map((c) => ({
      type: 1,
      components: [
        { type: 2, style: 3, label: `Approve #${c.id}`, custom_id: `${CONFLICT_BUTTON}approve:${c.id}` },
        { type: 2, style: 4, label: `Dismiss… #${c.id}`, custom_id: `${CONFLICT_BUTTON}dismiss:${c.id}` },
      ],
    }));
  return {
    embeds: [embed({
      title: 'Identity conflicts to review',
      lines: [
        ...(r.outcome ? [`${r.outcome.ok ? '✅' : '⛔'} ${escape(r.outcome.text)}`, ''] : []),
        ...(r.rows.length ? [] : ['No identity conflicts to review.']),
      ],
      fields: r.rows.map((c) => ({ name: `#${c.id} ${c.label} · ${c.at}`, value: value(c) })),
      footer: r.more > 0 ? `${r.more} more: decide these first, or /user360 conflicts approve|dismiss <id>` : undefined,
      color: r.outcome && !r.outcome.ok ? COLOR.orange : COLOR.blurple,
    })],
    components: rows,
  };
}
