import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config.ts';

const USDT = '0xdAC17F958D2ee523a2206206994597C13D831ec7';
const rpc = 'ethereum=http://127.0.0.1:8545';
const fails = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('configuration was accepted');
};

describe('EVM settings', () => {
  it('are off without EVM_RPC_URLS, so the service runs as before', () => {
    expect(parseConfig({}).evm).toBeUndefined();
  });

  it('parse chains, tokens, feeds, start blocks and the numbers with their defaults', () => {
    const evm = parseConfig({ EVM_RPC_URLS: `${rpc},base=https://base.example/rpc`, EVM_TOKENS: `ethereum:${USDT.toLowerCase()}:usdt:6`, PRICE_FEEDS: `ethereum:ETH:${USDT}`, EVM_START_BLOCK: 'ethereum=21000000' }).evm!;
    expect(evm).toMatchObject({ confirmations: 2, pollMs: 4000 });
    expect(evm.chains[0]).toEqual({ chain: 'ethereum', rpcUrl: 'http://127.0.0.1:8545', tokens: [{ chain: 'ethereum', address: USDT, symbol: 'USDT', decimals: 6 }], feeds: [{ chain: 'ethereum', symbol: 'ETH', address: USDT }], startBlock: 21000000n });
    expect(evm.chains[1]).toMatchObject({ chain: 'base', tokens: [], feeds: [] });
  });

  it('stop start-up naming the setting on a malformed address, a bad checksum, an unknown chain or a token without a node', () => {
    expect(fails({ EVM_RPC_URLS: rpc, EVM_TOKENS: 'ethereum:0x1234:USDT:6' })).toMatch(/EVM_TOKENS: "0x1234" is not a 20-byte hex address/);
    expect(fails({ EVM_RPC_URLS: rpc, PRICE_FEEDS: `ethereum:ETH:${USDT.replace('dAC', 'Dac')}` })).toMatch(/PRICE_FEEDS: .* fails its EIP-55 checksum/);
    expect(fails({ EVM_RPC_URLS: 'tron=http://x.example' })).toMatch(/EVM_RPC_URLS: "tron" is not an EVM chain/);
    expect(fails({ EVM_RPC_URLS: 'ethereum=ftp://x' })).toMatch(/EVM_RPC_URLS: "ftp:\/\/x" is not an http\(s\) URL/);
    expect(fails({ EVM_RPC_URLS: rpc, EVM_TOKENS: `base:${USDT}:USDT:6` })).toMatch(/EVM_TOKENS: base has no RPC URL/);
    expect(fails({ EVM_RPC_URLS: rpc, EVM_CONFIRMATIONS: '-1' })).toMatch(/EVM_CONFIRMATIONS/);
  });
});
