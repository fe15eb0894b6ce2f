import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { CONFLICT_KINDS, CONFLICT_RESOLUTIONS } from './constants.ts';
import { epochMs, createdAt } from './columns.ts';

/**
 * A link or merge a guard refused, kept for a person to review (`user360 conflicts`). `customer_ids`
 * has one id or two; migration 0011 indexes each position by hand (drizzle-kit cannot write
 * expression indexes), for the profile card's "what the guards refused".
 */
export const identityConflicts = sqliteTable(
  'identity_conflicts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: CONFLICT_KINDS }).notNull(),
    customerIds: text('customer_ids', { mode: 'json' }).$type<string[]>().notNull(),
    identifierType: text('identifier_type'),
    identifierValue: text('identifier_value'),
    /**
     * For a refused wallet: the chain the record named it on (the value keeps only the key, which is
     * the same on every EVM chain), so approving can link it as ingest would have. Null before 0013.
     */
    identifierChain: text('identifier_chain'),
    detail: text('detail').notNull(),
    recordType: text('record_type'),
    recordId: text('record_id'),
    ...createdAt(),
    resolvedAt: epochMs('resolved_at'),
    /** approved (the merge or link was made by a person) or dismissed; set once, with who and why. */
    resolution: text('resolution', { enum: CONFLICT_RESOLUTIONS }),
    resolvedBy: text('resolved_by'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [index('identity_conflicts_open_idx').on(t.resolvedAt, t.createdAt)],
);

export type IdentityConflict = typeof identityConflicts.$inferSelect;
