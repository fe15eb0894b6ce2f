import type { Store } from '../../db/client.ts';
import type { IdentityConfig } from '../config.ts';
import { detectIdentifier, type DetectedIdentifier } from '../identity/normalize.ts';

export interface Found {
  detected: DetectedIdentifier;
  unifiedId: string | null;
}

const BY_ID = 'SELECT root_id FROM customers WHERE id = ?';
const BY_IDENTIFIER = 'SELECT c.root_id FROM identifiers i JOIN customers c ON c.id = i.customer_id WHERE i.type = ? AND i.value = ?';

/**
 * Finds the unified customer behind whatever a person typed. A unified ID that was merged away still
 * finds the customer it was merged into. Throws IdentifierError when the input is no identifier at all.
 */
export async function findCustomer(store: Pick<Store, 'read'>, input: string, cfg: IdentityConfig): Promise<Found> {
  const detected = detectIdentifier(input, cfg);
  const rows = detected.type === 'unified_id' ? await store.read(BY_ID, [detected.value]) : await store.read(BY_IDENTIFIER, [detected.type, detected.value]);
  return { detected, unifiedId: (rows[0]?.root_id as string | undefined) ?? null };
}
