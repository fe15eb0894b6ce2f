import { checksum as checksumAddress, validate as isEvmAddress } from 'ox/Address';
import * as z from 'zod';
import { EVM_CHAINS } from '../identity/normalize.ts';

/** Parsers for the §7 settings; src/config.ts owns process.env and calls these on its strings. */
export type EvmChain = (typeof EVM_CHAINS)[number];
export type Address = `0x${string}`;

export interface EvmToken {
  chain: EvmChain;
  address: Address;
  symbol: string;
  decimals: number;
}

export interface PriceFeed {
  chain: EvmChain;
  symbol: string;
  address: Address;
}

const isChain = (c: string): c is EvmChain => (EVM_CHAINS as readonly string[]).includes(c);
const chainError = (c: string) => `"${c}" is not an EVM chain (${EVM_CHAINS.join(', ')})`;
const parts = (s: string | undefined) => (s ?? '').split(',').map((p) => p.trim()).filter(Boolean);

/** A checksummed address, or a message: a typo in a token or feed address must stop start-up. */
function address(raw: string): { ok: Address } | { error: string } {
  const a = raw.trim();
  if (!isEvmAddress(a, { strict: false })) return { error: `"${a}" is not a 20-byte hex address` };
  // Mixed case is a checksum: a wrong one is a typo, not a different address.
  if (a !== a.toLowerCase() && a.slice(2) !== a.slice(2).toUpperCase() && checksumAddress(a) !== a) return { error: `"${a}" fails its EIP-55 checksum` };
  return { ok: checksumAddress(a) };
}

const custom = <T>(parse: (s: string | undefined) => T | string) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      const r = parse(s);
      if (typeof r === 'string') {
        ctx.addIssue({ code: 'custom', message: r });
        return z.NEVER;
      }
      return r;
    });

export const rpcUrls = custom((s) => {
  const out: Partial<Record<EvmChain, string>> = {};
  for (const p of parts(s)) {
    const m = /^([a-z]+)=(.+)$/.exec(p);
    if (!m) return `expected chain=url pairs like "ethereum=https://rpc.example", got "${p}"`;
    if (!isChain(m[1]!)) return chainError(m[1]!);
    if (!/^https?:\/\/[^\s]+$/.test(m[2]!) || !URL.canParse(m[2]!)) return `"${m[2]}" is not an http(s) URL`;
    out[m[1]!] = m[2]!;
  }
  return out;
});

export const tokens = custom((s) => {
  const out: EvmToken[] = [];
  for (const p of parts(s)) {
    const [chain, addr, symbol, decimals, ...extra] = p.split(':').map((x) => x.trim());
    if (!chain || !addr || !symbol || decimals === undefined || extra.length) return `expected chain:address:SYMBOL:decimals, got "${p}"`;
    if (!isChain(chain)) return chainError(chain);
    const a = address(addr);
    if ('error' in a) return a.error;
    if (!/^[A-Za-z0-9.]{1,20}$/.test(symbol)) return `"${symbol}" is not a token symbol (1-20 letters, digits or dots)`;
    if (!/^\d{1,2}$/.test(decimals) || Number(decimals) > 36) return `"${decimals}" is not a decimals count (0-36)`;
    if (out.some((t) => t.chain === chain && t.address === a.ok)) return `token ${a.ok} on ${chain} is listed twice`;
    out.push({ chain, address: a.ok, symbol: symbol.toUpperCase(), decimals: Number(decimals) });
  }
  return out;
});

export const priceFeeds = custom((s) => {
  const out: PriceFeed[] = [];
  for (const p of parts(s)) {
    const [chain, symbol, addr, ...extra] = p.split(':').map((x) => x.trim());
    if (!chain || !symbol || !addr || extra.length) return `expected chain:SYMBOL:address, got "${p}"`;
    if (!isChain(chain)) return chainError(chain);
    const a = address(addr);
    if ('error' in a) return a.error;
    out.push({ chain, symbol: symbol.toUpperCase(), address: a.ok });
  }
  return out;
});

export const startBlocks = custom((s) => {
  const out: Partial<Record<EvmChain, bigint>> = {};
  for (const p of parts(s)) {
    const m = /^([a-z]+)=(\d{1,15})$/.exec(p);
    if (!m) return `expected chain=block pairs like "ethereum=21000000", got "${p}"`;
    if (!isChain(m[1]!)) return chainError(m[1]!);
    out[m[1]!] = BigInt(m[2]!);
  }
  return out;
});
