/**
 * Rebuilds the test contracts' artifacts with the solc npm package (wasm, no native compiler):
 * `npx tsx test/contracts/build.ts`. Commit the .sol sources and artifacts/*.json together.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string; version(): string };
const here = dirname(fileURLToPath(import.meta.url));
const names = ['TestToken', 'TestPriceFeed', 'Multicall3'];

const input = {
  language: 'Solidity',
  sources: Object.fromEntries(names.map((n) => [`${n}.sol`, { content: readFileSync(join(here, `${n}.sol`), 'utf8') }])),
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'paris', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
};
const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
mkdirSync(join(here, 'artifacts'), { recursive: true });
for (const n of names) {
  const c = out.contracts[`${n}.sol`]![n]!;
  const artifact = { contractName: n, source: `test/contracts/${n}.sol`, compiler: `solc ${solc.version()}`, abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
  writeFileSync(join(here, 'artifacts', `${n}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
  process.stdout.write(`${n}: ${c.evm.deployedBytecode.object.length / 2} bytes\n`);
}
