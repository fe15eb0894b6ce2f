import { createHash } from 'node:crypto';
import { base58, createBase58check } from '@scure/base';
import { checksum as checksumAddress } from 'ox/Address';

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const base58check = createBase58check(sha256);

/** Well-formed addresses made from random bytes, for demo and benchmark data. */
export const makeAddress = {
  evm: (bytes: Uint8Array) => checksumAddress(`0x${Buffer.from(bytes.slice(0, 20)).toString('hex')}`),
  tron: (bytes: Uint8Array) => base58check.encode(Uint8Array.of(0x41, ...bytes.slice(0, 20))),
  bitcoin: (bytes: Uint8Array) => base58check.encode(Uint8Array.of(0x00, ...bytes.slice(0, 20))),
  solana: (bytes: Uint8Array) => base58.encode(bytes.slice(0, 32)),
};
