import { maskDocumentId, maskIdentifier, maskName } from '../access/mask.ts';
import type { Profile } from './profile.ts';

/** The profile as a caller without the right to personal data sees it: masked in every field that carries it. */
export function maskProfile(p: Profile): Profile {
  return {
    ...p,
    identifiers: p.identifiers.map((i) => ({ ...i, value: maskIdentifier(i.type, i.value) })),
    basic: { ...p.basic, name: p.basic.name ? maskName(p.basic.name) : null },
    compliance: { ...p.compliance, document_id: p.compliance.document_id ? maskDocumentId(p.compliance.document_id) : null },
  };
}
