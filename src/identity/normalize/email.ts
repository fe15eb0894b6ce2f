import { IdentifierError, quote } from './identifier.ts';

// Deliberately looser than RFC 5322 (no quoted local parts, no IP literals): customer
// data never uses those, and a stricter shape check catches typos like "alice@gmail".
const EMAIL_LOCAL = /^[^\s@<>()[\]\\,;:"]+$/u;
const EMAIL_DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const EMAIL_TLD = /^(?:\p{L}{2,}|xn--[a-z0-9-]+)$/u;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  const fail = (): never => {
    throw new IdentifierError(`not a valid email address: ${quote(raw.trim())}`);
  };
  if (email.length > 254) fail();
  const parts = email.split('@');
  if (parts.length !== 2) fail();
  const [local = '', domain = ''] = parts;
  if (!local || local.length > 64 || !EMAIL_LOCAL.test(local)) fail();
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) fail();
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => l.length <= 63 && EMAIL_DOMAIN_LABEL.test(l))) fail();
  if (!EMAIL_TLD.test(labels[labels.length - 1] ?? '')) fail();
  return email;
}
