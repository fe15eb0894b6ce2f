/**
 * Text from outside (customer data, source-system fields, what a caller typed) as Discord markdown that
 * shows it literally. discord.js's escapeMarkdown only escapes balanced pairs, so `******6789` would
 * still render bold; here every markdown character is escaped on its own:
 * - `\ * _ ~ | [ ]` and the backtick get a backslash: no formatting, spoiler or masked link `[x](url)`;
 * - a leading `>`, `#`, `-` or `1.` is text, not a quote, heading, subtext or list;
 * - `<` gets a zero-width space after it, so no `<@id>`, `<@&id>`, `<#id>`, `<t:…>` or `<:emoji:id>` forms;
 * - `@everyone` and `@here` get one after the `@`.
 * Every message also carries `allowed_mentions: { parse: [] }` (see NO_MENTIONS), so even a mention
 * that got through would not ping.
 */
export const ZWSP = '\u200B';

export function escape(line: string): string {
  return line
    .replace(/[\\*_~\x60|[\]]/g, '\\$&')
    .replace(/^([>#-])/, '\\$1')
    .replace(/^(\d+)\.(?=\s)/, '$1\\.')
    .replace(/</g, `<${ZWSP}`)
    .replace(/@(everyone|here)\b/gi, `@${ZWSP}$1`);
}

/** A notice's own mentions (`<@123>`, `<@&123>`, `<#123>` from `mentionOf`) stay; the rest is escaped. */
const OWN_MENTION = /(<@&?\d+>|<#\d+>)/;
export function escapeKeepingMentions(line: string): string {
  return line
    .split(OWN_MENTION)
    .map((part, i) => (i % 2 ? part : escape(part)))
    .join('');
}

/** On every message the bot sends: nobody is pinged by anything in it. */
export const NO_MENTIONS = { parse: [] as never[] } as const;
