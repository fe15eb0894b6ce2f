import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { insertMany, type Tx } from './client.ts';

/**
 * Hand-written SQL (multi-row inserts on the ingest path, the audit row on every lookup) takes its table
 * and column names from the drizzle tables, so a renamed column breaks the type check, not production.
 */
export type Field<T extends SQLiteTable> = keyof T['$inferInsert'] & string;

export function columnsOf<T extends SQLiteTable>(table: T, fields: readonly Field<T>[]): string[] {
  const cols = getTableColumns(table) as Record<string, { name: string }>;
  return fields.map((f) => cols[f]!.name);
}

/** One column's SQL name. */
export const col = <T extends SQLiteTable>(table: T, field: Field<T>): string => columnsOf(table, [field])[0]!;

/** `insertMany` over drizzle rows: `fields` pick the columns, missing values are NULL. */
export async function insertRows<T extends SQLiteTable, F extends Field<T>>(
  tx: Tx, table: T, fields: readonly F[], rows: Iterable<Pick<T['$inferInsert'], F>>, tail = '',
): Promise<void> {
  const values = [...rows].map((r) => fields.map((f) => (r[f] === undefined ? null : r[f])));
  await insertMany(tx, getTableName(table), columnsOf(table, fields), values, tail);
}

/**
 * A table's SQL names keyed by its drizzle fields, for statements written as text: `T.$` is the table,
 * `T.rootId` its column. A renamed field is then a type error where the statement names it.
 */
export type Names<T extends SQLiteTable> = { readonly [K in Field<T>]: string } & { readonly $: string };

export function names<T extends SQLiteTable>(table: T): Names<T> {
  const out: Record<string, string> = { $: getTableName(table) };
  for (const [field, column] of Object.entries(getTableColumns(table) as Record<string, { name: string }>)) out[field] = column.name;
  return out as Names<T>;
}

/** The same names as raw fragments for drizzle's `sql` template, where a plain string would be a bound parameter. */
export type SqlNames<T extends SQLiteTable> = { readonly [K in Field<T>]: SQL } & { readonly $: SQL };

export function sqlNames<T extends SQLiteTable>(table: T): SqlNames<T> {
  return Object.fromEntries(Object.entries(names(table)).map(([k, v]) => [k, sql.raw(v)])) as SqlNames<T>;
}
