// Signs interaction requests the way Discord does: Ed25519 over `timestamp + body`, hex-encoded
// (https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** RFC 8032 §7.1 test 1 key, signing a ping; security tests reuse it as a known-good vector. */
export const DISCORD_SIGNING_EXAMPLE = {
  seedHex: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  publicKeyHex: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  timestamp: '1700000000',
  body: '{"type":1}',
  signature:
    '1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228' +
    'ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f',
} as const;

export interface DiscordKeys {
  /** what the Developer Portal shows as "Public Key" */
  publicKeyHex: string;
  privateKey: KeyObject;
}

export interface DiscordSignedHeaders {
  'x-signature-ed25519': string;
  'x-signature-timestamp': string;
  'content-type': 'application/json';
}

// node:crypto has no "raw Ed25519 seed" import, so wrap the seed in the fixed PKCS#8 DER prefix.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function publicKeyHexOf(privateKey: KeyObject): string {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(x ?? '', 'base64url').toString('hex');
}

export function generateDiscordKeys(): DiscordKeys {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { publicKeyHex: publicKeyHexOf(privateKey), privateKey };
}

/** Deterministic keys from a 32-byte hex seed, e.g. DISCORD_SIGNING_EXAMPLE.seedHex. */
export function keyFromSeedHex(seedHex: string): DiscordKeys {
  const seed = Buffer.from(seedHex, 'hex');
  if (seed.length !== 32) throw new Error(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return { publicKeyHex: publicKeyHexOf(privateKey), privateKey };
}

/** Headers for POSTing `body` to the interactions endpoint; `timestamp` defaults to now (Unix seconds). */
export function signDiscordRequest(
  privateKey: KeyObject,
  body: string,
  timestamp: string = String(Math.floor(Date.now() / 1000)),
): DiscordSignedHeaders {
  const signature = sign(null, Buffer.from(timestamp + body, 'utf8'), privateKey).toString('hex');
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp, 'content-type': 'application/json' };
}
