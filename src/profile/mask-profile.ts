import { maskIdentifier, PERSONAL } from '../access/mask.ts';
import type { Profile } from './profile.ts';

/** Applies one group of PERSONAL's maskers to the matching fields of `obj`. */
function maskFields<T extends object>(obj: T, maskers: Record<string, (v: string) => string>): T {
  const out = { ...obj } as Record<string, unknown>;
  for (const [field, mask] of Object.entries(maskers)) {
    const v = out[field];
    if (typeof v === 'string' && v) out[field] = mask(v);
  }
  return out as T;
}

/** The profile as a caller without the right to personal data sees it: every field of PERSONAL masked. */
export function maskProfile(p: Profile): Profile {
  return {
    ...p,
    identifiers: p.identifiers.map((i) => ({ ...i, value: maskIdentifier(i.type, i.value) })),
    basic: maskFields(p.basic, PERSONAL.traits),
    compliance: maskFields(p.compliance, PERSONAL.compliance),
  };
}
