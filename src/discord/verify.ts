// Discord delists an interactions endpoint that accepts a forged request (it probes with bad
// signatures), so every request is checked before anything else reads it.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../time.ts';

/** Discord's own replay window; older (or further future) timestamps are refused. */
export const MAX_SIGNATURE_AGE_S = 5 * 60;

// node:crypto takes no raw Ed25519 key, so the 32 bytes go behind the fixed SPKI DER header.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map<string, KeyObject>();

export function ed25519PublicKey(hex: string): KeyObject {
  const cached = keys.get(hex);
  if (cached) return cached;
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('a Discord public key is 64 hex characters');
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
  keys.set(hex, key);
  return key;
}

export interface SignedRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  body: string;
}

/** Why a request was refused, or null when it is Discord's. Reasons go to the log, never to the caller. */
export function checkDiscordSignature(publicKeyHex: string, req: SignedRequest, nowMs: number): string | null {
  const { signature, timestamp, body } = req;
  if (!signature || !timestamp) return 'missing signature headers';
  if (!/^[0-9a-f]{128}$/i.test(signature)) return 'malformed signature';
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed timestamp';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_S) return 'timestamp outside the 5-minute window';
  const ok = verify(null, Buffer.from(timestamp + body, 'utf8'), ed25519PublicKey(publicKeyHex), Buffer.from(signature, 'hex'));
  return ok ? null : 'bad signature';
}

/**
 * Hono middleware: 401 unless the request is signed with the application's key. The raw body is read
 * once here; Hono caches it, so handlers can read `c.req.text()`/`json()` again.
 */
export function requireDiscordSignature(publicKeyHex: string, clock: Clock, onRefuse?: (reason: string) => void): MiddlewareHandler {
  ed25519PublicKey(publicKeyHex); // a bad key fails at start-up, not on the first request
  return async (c, next) => {
    const body = await c.req.text();
    const reason = checkDiscordSignature(
      publicKeyHex,
      { signature: c.req.header('x-signature-ed25519'), timestamp: c.req.header('x-signature-timestamp'), body },
      clock().getTime(),
    );
    if (reason) {
      onRefuse?.(reason);
      return c.json({ code: 'invalid_signature', message: 'invalid request signature' }, 401);
    }
    await next();
  };
}
