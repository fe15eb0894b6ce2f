import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { RECORD_TYPES } from './constants.ts';
import { createdAt } from './columns.ts';

/** One row per record id ever stored: the unique key is what makes ingest idempotent across instances. */
export const ingestedRecords = sqliteTable(
  'ingested_records',
  {
    type: text('type', { enum: RECORD_TYPES }).notNull(),
    id: text('id').notNull(),
    ...createdAt(),
  },
  (t) => [primaryKey({ columns: [t.type, t.id] })],
);
