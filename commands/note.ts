import * as z from 'zod';
import { badString } from '../src/unicode.ts';

export const MAX_NOTE = 500;

/**
 * A note a person writes (an alert's resolution, a dismissed conflict's reason): plain text of 1–500
 * characters, valid Unicode, no control characters but line breaks. Renderers escape it; this keeps
 * out what no renderer can show (NUL, lone surrogates, terminal escapes).
 */
export const noteSchema = z
  .string()
  .transform((s) => s.trim())
  .superRefine((s, ctx) => {
    const bad = badString(s);
    if (bad) ctx.addIssue({ code: 'custom', message: `The note ${bad}.` });
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(s)) ctx.addIssue({ code: 'custom', message: 'The note may not hold control characters (only line breaks and tabs).' });
  })
  .pipe(z.string().min(1, 'The note is empty: say how it was resolved.').max(MAX_NOTE, `The note is too long: at most ${MAX_NOTE} characters.`));

/** The first problem with a note, or the note as stored; `empty` says what a blank one lacks, where "how it was resolved" does not fit. */
export function parseNote(raw: string, empty?: string): { note: string } | { error: string } {
  const r = noteSchema.safeParse(raw);
  if (!r.success && empty && raw.trim() === '') return { error: empty };
  return r.success ? { note: r.data } : { error: r.error.issues[0]?.message ?? 'The note is not valid.' };
}
