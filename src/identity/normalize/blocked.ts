/** Placeholder values upstream systems send for "no value": they never become identifiers. */

export const DEFAULT_BLOCKED_VALUES: readonly string[] = [
  '',
  'null',
  'undefined',
  'nil',
  'none',
  'n/a',
  'na',
  'nan',
  '-',
  '0',
  '-1',
  'anonymous',
  'unknown',
  'test',
  '[object object]',
  'test@test.com',
];

const PLACEHOLDER_EMAIL_LOCAL_PARTS = new Set([
  'test',
  'example',
  'noreply',
  'no-reply',
  'no_reply',
  'donotreply',
  'do-not-reply',
  'do_not_reply',
  'null',
  'none',
  'unknown',
  'anonymous',
  'mailer-daemon',
]);

// example.com/.org/.net are deliberately absent: the demo data uses real-looking
// addresses there (alice@example.com) and they must stay identifiers.
const PLACEHOLDER_EMAIL_DOMAINS = new Set(['test.com', 'test', 'example', 'invalid', 'localhost']);
const PLACEHOLDER_EMAIL_TLDS = new Set(['test', 'example', 'invalid', 'localhost']); // RFC 2606 reserved

// Upstream systems use the zero address as "no wallet".
const EVM_ZERO_ADDRESS = /^0x0{40}$/i;

export function isBlockedValue(value: string, extraBlocked: readonly string[] = []): boolean {
  const v = value.trim().toLowerCase();
  if (DEFAULT_BLOCKED_VALUES.includes(v)) return true;
  if (extraBlocked.some((b) => b.trim().toLowerCase() === v)) return true;
  if (EVM_ZERO_ADDRESS.test(v)) return true;

  const at = v.lastIndexOf('@');
  if (at > 0 && at === v.indexOf('@')) {
    const local = v.slice(0, at);
    const domain = v.slice(at + 1);
    const tld = domain.slice(domain.lastIndexOf('.') + 1);
    if (PLACEHOLDER_EMAIL_LOCAL_PARTS.has(local)) return true;
    if (PLACEHOLDER_EMAIL_DOMAINS.has(domain) || PLACEHOLDER_EMAIL_TLDS.has(tld)) return true;
  }
  return false;
}
