/**
 * Embedded replica (SPEC §9): DATABASE_URL=file:<local copy> with DATABASE_SYNC_URL=<server>. Reads
 * come from the local file, writes go to the server, and the writer reads its own writes at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { findCustomer } from '../../src/profile/find.ts';
import { ingest, identify, uniq } from '../support/factories.ts';
import { startSqld, type Sqld } from '../support/sqld.ts';

let sqld: Sqld;
let server: Store;
let replica: Store;
const dir = mkdtempSync(join(tmpdir(), 'user360-replica-'));
const identity = parseConfig({}).identity;
const clock = () => new Date('2026-11-25T12:00:00+08:00');

beforeAll(async () => {
  sqld = await startSqld();
  server = await createStore(sqld.url);
  const config = parseConfig({ DATABASE_URL: `file:${join(dir, 'replica.db')}`, DATABASE_SYNC_URL: sqld.url, DATABASE_SYNC_INTERVAL: '1' });
  replica = await createStore(config.databaseUrl, undefined, config.database);
  // Migrating through the replica: the statements run on the server, the replica pulls the schema.
  await prepareDatabase(replica);
}, 60_000);

afterAll(async () => {
  replica?.close();
  server?.close();
  await sqld?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (store: Store, email: string) =>
  Number(((await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM identifiers WHERE type = 'email' AND value = ${email}`)) as [{ n: number }])[0].n);

describe('an embedded replica of a libSQL server', () => {
  it('writes on the server and reads its own writes at once', async () => {
    expect(replica.replica).toBe(true);
    const email = `${uniq('rep')}@example.com`;
    const r = await ingest({ store: replica, identity, clock }, [identify({ email }, { traits: { name: 'Rene Park' } })]);
    expect(r.accepted).toBe(1);
    // On the server, not only in the local file:
    expect(await count(server, email)).toBe(1);
    // and read back through the replica straight away, through the lookup path (store.read) too.
    expect(await count(replica, email)).toBe(1);
    expect((await findCustomer(replica, email, identity)).unifiedId).toBe(r.unifiedIds[0]);
  });

  it('sees another instance’s writes after its sync interval', async () => {
    const email = `${uniq('other')}@example.com`;
    await ingest({ store: server, identity, clock }, [identify({ email })]);
    const until = Date.now() + 15_000;
    while ((await count(replica, email)) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await count(replica, email)).toBe(1);
  });

  it('refuses a sync URL without a local file, or one that is not a libSQL server URL', () => {
    expect(() => parseConfig({ DATABASE_URL: 'http://127.0.0.1:8080', DATABASE_SYNC_URL: 'http://127.0.0.1:8081' })).toThrow(/DATABASE_SYNC_URL: an embedded replica needs DATABASE_URL=file:/);
    expect(() => parseConfig({ DATABASE_URL: 'file:r.db', DATABASE_SYNC_URL: 'ftp://host' })).toThrow(/DATABASE_SYNC_URL/);
    expect(() => parseConfig({ DATABASE_URL: 'file:r.db', DATABASE_SYNC_URL: 'http://h:1', DATABASE_SYNC_INTERVAL: '0' })).toThrow(/DATABASE_SYNC_INTERVAL/);
    expect(() => parseConfig({ DATABASE_TIMEOUT: 'soon' })).toThrow(/DATABASE_TIMEOUT/);
    expect(parseConfig({ DATABASE_URL: 'file:r.db', DATABASE_SYNC_URL: 'http://h:1' }).database).toEqual({ syncUrl: 'http://h:1', syncInterval: 10, timeoutMs: 10_000 });
  });
});
