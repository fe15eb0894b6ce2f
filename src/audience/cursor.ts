import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { appSecrets } from '../../db/schema/index.ts';

/**
 * `find` cursors: the page's offset and a fingerprint of the search, signed with a key kept in the
 * database, so every instance accepts another's cursors and a changed one is refused, not obeyed.
 */

const KEY_NAME = 'find_cursor_hmac';
const keys = new WeakMap<Store, Buffer>();

async function cursorKey(store: Store, now: number): Promise<Buffer> {
  const cached = keys.get(store);
  if (cached) return cached;
  const read = async () => (await store.db.select().from(appSecrets).where(eq(appSecrets.name, KEY_NAME)))[0]?.value;
  let value = await read();
  if (!value) {
    // Two instances may race here; the primary key keeps the first key and both read it back.
    await store.write((tx) => tx.insert(appSecrets).values({ name: KEY_NAME, value: randomBytes(32).toString('base64url'), createdAt: now }).onConflictDoNothing());
    value = (await read())!;
  }
  const key = Buffer.from(value, 'base64url');
  keys.set(store, key);
  return key;
}

/** What a cursor is bound to: the canonical query and whether personal fields were searched. */
export const searchFingerprint = (text: string, personal: boolean) => createHash('sha256').update(`${personal ? 'p' : 'v'}\u0000${text}`).digest('base64url').slice(0, 16);

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url').slice(0, 22);

export async function encodeCursor(store: Store, now: number, fingerprint: string, offset: number): Promise<string> {
  const payload = Buffer.from(JSON.stringify({ f: fingerprint, o: offset })).toString('base64url');
  return `${payload}.${sign(await cursorKey(store, now), payload)}`;
}

/** The offset a cursor points at, or a reason it is refused. */
export async function decodeCursor(store: Store, now: number, fingerprint: string, cursor: string): Promise<{ offset: number } | { error: string }> {
  const refused = { error: 'That page link does not belong to this search or was changed; run the search again to start from the first page.' };
  const [payload, mac, extra] = cursor.trim().split('.');
  if (!payload || !mac || extra !== undefined || cursor.length > 200) return refused;
  const expected = Buffer.from(sign(await cursorKey(store, now), payload));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refused;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return refused;
  }
  const { f, o } = (body ?? {}) as { f?: unknown; o?: unknown };
  if (f !== fingerprint || typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) return refused;
  return { offset: o };
}
