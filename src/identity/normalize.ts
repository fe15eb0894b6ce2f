/**
 * Normalising identifiers, one file per kind under normalize/: what every kind shares (identifier.ts),
 * placeholders (blocked.ts), email, phone, wallet, and reading any identifier a person typed (detect.ts).
 * Slack's auto-links are the command parser's to take off (commands/parse.ts), not this layer's.
 */
export * from './normalize/identifier.ts';
export * from './normalize/blocked.ts';
export * from './normalize/email.ts';
export * from './normalize/phone.ts';
export * from './normalize/wallet.ts';
export * from './normalize/detect.ts';
