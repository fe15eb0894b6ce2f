/**
 * Text from outside (customer data, source-system fields, what a caller typed) as Slack mrkdwn that
 * shows it literally. Slack has no escape character for formatting, so:
 * - `& < >` become entities: no `<@U…>` mention, `<!here>`, `<#C…>` or `<https://…|label>` link can form,
 *   and a leading `>` is text, not a quote;
 * - `* _ ~` and the backtick get a zero-width space on each side, so no pair of them can open or close bold, italics,
 *   strike or code whichever way Slack classes the space (commands/parse.ts drops the spaces again
 *   when such a value is pasted back into a command);
 * - `@everyone`, `@here`, `@channel` get one after the `@`, in case a client links bare names.
 */
export const ZWSP = '\u200B';
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escape(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => ENTITIES[c]!)
    .replace(/[*_~\x60]/g, `${ZWSP}$&${ZWSP}`)
    .replace(/@(everyone|here|channel)\b/gi, `@${ZWSP}$1`);
}

/**
 * A notice is the command's own sentence, which may name a person or channel the way Slack mentions
 * them (`<@U123>`, `<#C123>`, from `mentionOf`); those stay mentions, everything else is escaped.
 * Text from outside never goes into a notice unescaped this way: put it in its own result kind.
 */
const OWN_MENTION = /(<@[UW][A-Z0-9]+>|<#C[A-Z0-9]+>)/;
export function escapeKeepingMentions(text: string): string {
  return text
    .split(OWN_MENTION)
    .map((part, i) => (i % 2 ? part : escape(part)))
    .join('');
}
