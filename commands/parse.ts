import * as z from 'zod';
import { badString } from '../src/unicode.ts';
import { MAX_IDENTIFIER_LENGTH } from '../src/identity/normalize/identifier.ts';

/** Slack's own cap on slash-command text; Discord and the terminal get the same one. */
export const MAX_COMMAND_TEXT = 4000;

/**
 * Splits slash-command text into words. Quotes group words; Slack's auto-links
 * (`<mailto:a@b.c|a@b.c>`, `<#C123|general>`, `<@U123>`) stay one word each.
 * Linear in the text: a `<…>` attempt stops at the next `<` (with `[^>]*` every `<` of an unclosed
 * run scanned to the end), and a quote that finds no partner is the last of its kind.
 */
export function tokenize(text: string): string[] {
  // Zero-width spaces are how Slack output escapes `_` and `*` in data (src/slack/escape.ts); a value
  // copied from a card and pasted back must mean the same value.
  text = text.replace(/\u200B/g, '');
  const words: string[] = [];
  const re = /<[^<>]*>|"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3] ?? m[0]);
  return words;
}

// Slack auto-links emails and phone numbers in slash-command text. Neither class may hold `<`, so an
// attempt ends at the next `<` at the latest: linear in the input. (With `[^|>]*` an unclosed `<tel:`
// repeated made every attempt scan to the end: a 256k-character lookup held the event loop 22 s.)
const SLACK_LINK = /<(?:mailto|tel):([^|<>]*)(?:\|[^<>]*)?>/gi;
// A Slack-wrapped value spells the identifier twice: `<mailto:V|V>`.
const MAX_WRAPPED_IDENTIFIER = 2 * MAX_IDENTIFIER_LENGTH + 16;

/** `<mailto:a@b.c|a@b.c>` → `a@b.c`, `<tel:+886…|…>` → `+886…`; other text is left as it is. */
export function unwrapSlackLinks(text: string): string {
  return text.replace(SLACK_LINK, '$1');
}

/**
 * The identifier a caller typed, with Slack's auto-links taken off. Text too long to be an identifier,
 * or holding a lone surrogate or NUL, is passed on untouched for detectIdentifier to refuse as it is
 * (no pattern reads it, and the refusal names what was typed, not what unwrapping left).
 */
export function identifierText(text: string): string {
  if (text.length > MAX_WRAPPED_IDENTIFIER || badString(text)) return text;
  return unwrapSlackLinks(text);
}

export class UsageError extends Error {}

/** Parses a subcommand's words with its zod schema and turns the first problem into a sentence. */
export function parseArgs<T extends z.ZodType>(schema: T, words: string[]): z.infer<T> {
  const parsed = schema.safeParse(words);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(issue.message);
}
