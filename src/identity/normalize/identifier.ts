/** What every kind of identifier shares: the kinds, the error a malformed value raises, the length bound. */

export const IDENTIFIER_TYPES = [
  'external_id',
  'email',
  'phone',
  'kakao_id',
  'line_id',
  'discord',
  'telegram',
  'x',
  'wallet',
] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** A value that is malformed for its type. The message is shown to users as is. */
export class IdentifierError extends Error {
  override name = 'IdentifierError';
}

export const quote = (value: string): string => JSON.stringify(value);

/** The longest identifier a record may hold (SPEC §3), and so the longest one worth looking up. */
export const MAX_IDENTIFIER_LENGTH = 256;
