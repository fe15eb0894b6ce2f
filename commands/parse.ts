import { z } from 'zod';

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

export class UsageError extends Error {}

/** Parses a subcommand's words with its zod schema and turns the first problem into a sentence. */
export function parseArgs<T extends z.ZodType>(schema: T, words: string[]): z.infer<T> {
  const parsed = schema.safeParse(words);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(issue.message);
}
