import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, epochMs } from './columns.ts';

/** Only the SHA-256 of a key is stored; the key itself is shown once when it is made. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    ...createdAt(),
    revokedAt: epochMs('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.hash), uniqueIndex('api_keys_name_uq').on(t.name)],
);
