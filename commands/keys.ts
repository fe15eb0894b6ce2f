import type { Db } from '../db/client.ts';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../src/auth/api-keys.ts';
import type { CommandContext } from './types.ts';

/**
 * API keys: made, listed and revoked in the terminal (`npx user360 keys …`), checked on every /v1
 * request. The key is returned once, here, and stored only as its hash.
 */
type Ctx = Pick<CommandContext, 'store' | 'clock'>;

export const createKey = (name: string, ctx: Ctx) => createApiKey(ctx.store, name, ctx.clock().getTime());

/** Every key with its prefix and when it was made (and revoked), oldest first. */
export const listKeys = (ctx: Pick<CommandContext, 'store'>) => listApiKeys(ctx.store.db);

/** False when no active key has that name. */
export const revokeKey = (name: string, ctx: Ctx) => revokeApiKey(ctx.store, name, ctx.clock().getTime());

/** The key's name when `key` is one that works (not revoked); null otherwise. */
export const verifyKey = (db: Db, key: string) => verifyApiKey(db, key);
