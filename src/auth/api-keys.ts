import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { isUniqueViolation, type Db, type Store } from '../../db/client.ts';
import { apiKeys } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

/** Keys are 256 random bits; a fast hash is enough for that entropy and keeps every /v1 request cheap. */
export async function createApiKey(store: Store, name: string, now: number): Promise<{ key: string; name: string; prefix: string }> {
  const clean = name.trim();
  if (!/^[\w.-]{1,64}$/.test(clean)) throw new AppError('invalid_name', 'a key name is 1–64 letters, digits, ".", "-" or "_"');
  const key = `u360_${randomBytes(32).toString('base64url')}`;
  const prefix = key.slice(0, 10);
  try {
    await store.write((tx) => tx.insert(apiKeys).values({ name: clean, prefix, hash: hash(key), createdAt: now }));
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('name_taken', `an API key named "${clean}" already exists`, 409);
    throw e;
  }
  return { key, name: clean, prefix };
}

export async function verifyApiKey(db: Db, key: string): Promise<{ name: string } | null> {
  const [row] = await db.select({ name: apiKeys.name }).from(apiKeys).where(and(eq(apiKeys.hash, hash(key)), isNull(apiKeys.revokedAt)));
  return row ?? null;
}

export async function revokeApiKey(store: Store, name: string, now: number): Promise<boolean> {
  const rows = await store.write((tx) => tx.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.name, name), isNull(apiKeys.revokedAt))).returning());
  return rows.length > 0;
}

export async function listApiKeys(db: Db) {
  return db.select({ name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt }).from(apiKeys).orderBy(apiKeys.createdAt);
}
