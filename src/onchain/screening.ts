import { asc, eq, sql } from 'drizzle-orm';
import { checksum as checksumAddress, validate as isEvmAddress } from 'ox/Address';
import type { Queryable, Store, Tx } from '../../db/client.ts';
import { screenedAddresses } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import { writeAudit } from '../access/audit.ts';
import { AppError } from '../errors.ts';

/** An EVM address in its checksummed form, or a 400 that says what was wrong. */
export function screenedAddress(raw: string): string {
  const a = raw.trim();
  if (!isEvmAddress(a, { strict: false })) throw new AppError('bad_address', `"${a.slice(0, 100)}" is not an EVM address (0x and 40 hex digits)`, 400);
  return checksumAddress(a);
}

const cleanLabel = (l: string | undefined) => (l?.trim() ? l.trim().slice(0, 200) : null);
const audit = (store: Store, by: string, command: string, address: string | null, now: number) =>
  writeAudit(store, { at: now, platform: 'cli', callerId: by, command, identifierType: address ? 'wallet' : null, identifier: address, unifiedId: null });

export async function addScreened(store: Store, raw: string, label: string | undefined, by: string, now: number): Promise<string> {
  const address = screenedAddress(raw);
  const row = { address, label: cleanLabel(label), addedBy: by, addedAt: now };
  await store.write((tx) => tx.insert(screenedAddresses).values(row).onConflictDoUpdate({ target: screenedAddresses.address, set: { label: row.label, addedBy: by, addedAt: now } }));
  await audit(store, by, 'screening:add', address, now);
  return address;
}

export async function removeScreened(store: Store, raw: string, by: string, now: number): Promise<boolean> {
  const address = screenedAddress(raw);
  const gone = await store.write((tx) => tx.delete(screenedAddresses).where(eq(screenedAddresses.address, address)).returning());
  await audit(store, by, 'screening:remove', address, now);
  return gone.length > 0;
}

export const listScreened = (db: Queryable) => db.select().from(screenedAddresses).orderBy(asc(screenedAddresses.address));

/**
 * `address,label` lines (a header line `address,…` and blank lines are skipped). Every line is checked
 * first; one bad line refuses the file whole, naming its line numbers, and stores nothing.
 */
export async function importScreened(store: Store, csv: string, by: string, now: number): Promise<number> {
  const rows: { address: string; label: string | null; addedBy: string; addedAt: number }[] = [];
  const bad: string[] = [];
  csv.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || (i === 0 && /^\s*"?address"?\s*(,|$)/i.test(line))) return;
    const comma = line.indexOf(',');
    const [addr, label] = comma < 0 ? [line, undefined] : [line.slice(0, comma), line.slice(comma + 1).replace(/^\s*"(.*)"\s*$/, '$1')];
    try {
      rows.push({ address: screenedAddress(addr), label: cleanLabel(label), addedBy: by, addedAt: now });
    } catch (e) {
      bad.push(`line ${i + 1}: ${(e as Error).message}`);
    }
  });
  if (bad.length) throw new AppError('bad_csv', `${bad.length} bad line(s), nothing imported:\n${bad.slice(0, 20).join('\n')}`, 400);
  await store.write(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insert(screenedAddresses).values(rows.slice(i, i + 500)).onConflictDoUpdate({ target: screenedAddresses.address, set: { label: sql`excluded.label`, addedBy: by, addedAt: now } });
    }
  });
  await audit(store, by, `screening:import:${rows.length}`, null, now);
  return rows.length;
}

const S = sqlNames(screenedAddresses);

/** The screened ones among `addresses` (checksummed), with their labels; read inside the ingest transaction. */
export async function screenedAmong(tx: Tx, addresses: string[]): Promise<Map<string, string | null>> {
  if (!addresses.length) return new Map();
  const rows = await tx.all<{ address: string; label: string | null }>(
    sql`SELECT ${S.address}, ${S.label} FROM ${S.$} WHERE ${S.address} IN (SELECT j.value FROM json_each(${JSON.stringify([...new Set(addresses)])}) AS j)`,
  );
  return new Map(rows.map((r) => [r.address, r.label]));
}
