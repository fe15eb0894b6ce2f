import { getTableName } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { customers, identifiers } from '../../db/schema/index.ts';
import { columnsOf } from '../../db/sql-names.ts';
import type { IdentityConfig } from '../config.ts';
import { detectIdentifier, type DetectedIdentifier } from '../identity/normalize.ts';

export interface Found {
  detected: DetectedIdentifier;
  unifiedId: string | null;
}

// Raw because it is on every lookup's path; names come from the drizzle tables (db/sql-names.ts).
const [C, I] = [getTableName(customers), getTableName(identifiers)];
const [C_ID, C_ROOT] = columnsOf(customers, ['id', 'rootId']);
const [I_CUSTOMER, I_TYPE, I_VALUE] = columnsOf(identifiers, ['customerId', 'type', 'value']);
const BY_ID = `SELECT ${C_ROOT} AS root_id FROM ${C} WHERE ${C_ID} = ?`;
const BY_IDENTIFIER = `SELECT c.${C_ROOT} AS root_id FROM ${I} i JOIN ${C} c ON c.${C_ID} = i.${I_CUSTOMER} WHERE i.${I_TYPE} = ? AND i.${I_VALUE} = ?`;

/**
 * Finds the unified customer behind whatever a person typed. A unified ID that was merged away still
 * finds the customer it was merged into. Throws IdentifierError when the input is no identifier at all.
 */
export async function findCustomer(store: Pick<Store, 'read'>, input: string, cfg: IdentityConfig): Promise<Found> {
  const detected = detectIdentifier(input, cfg);
  const rows = detected.type === 'unified_id' ? await store.read(BY_ID, [detected.value]) : await store.read(BY_IDENTIFIER, [detected.type, detected.value]);
  return { detected, unifiedId: (rows[0]?.root_id as string | undefined) ?? null };
}
