import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { customers, identifiers } from '../../db/schema/index.ts';
import type { IdentityConfig } from '../config.ts';
import { detectIdentifier, type DetectedIdentifier } from '../identity/normalize.ts';

export interface Found {
  detected: DetectedIdentifier;
  unifiedId: string | null;
}

/**
 * Finds the unified customer behind whatever a person typed. A unified ID that was merged away still
 * finds the customer it was merged into. Throws IdentifierError when the input is no identifier at all.
 */
export async function findCustomer(db: Db, input: string, cfg: IdentityConfig): Promise<Found> {
  const detected = detectIdentifier(input, cfg);
  if (detected.type === 'unified_id') {
    const [row] = await db.select({ rootId: customers.rootId }).from(customers).where(eq(customers.id, detected.value));
    return { detected, unifiedId: row?.rootId ?? null };
  }
  const [row] = await db
    .select({ rootId: customers.rootId })
    .from(identifiers)
    .innerJoin(customers, eq(customers.id, identifiers.customerId))
    .where(and(eq(identifiers.type, detected.type), eq(identifiers.value, detected.value)));
  return { detected, unifiedId: row?.rootId ?? null };
}
