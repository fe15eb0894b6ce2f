// A separate service process for the two-instances test: opens the database file given and follows the
// chains of its EVM_* environment with the real loop, printing how each round ended, until SIGTERM.
import pino from 'pino';
import { createStore, prepareDatabase } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { startOnchain } from '../../src/onchain/service.ts';

const [url, holder] = process.argv.slice(2) as [string, string];
const config = parseConfig(process.env);
const store = await createStore(url);
await prepareDatabase(store);
const onchain = startOnchain({
  store, identity: config.identity, clock: () => new Date(), log: pino({ level: 'warn' }, pino.destination(2)), evm: config.evm!, holder,
  onStep: (_chain, state) => process.stdout.write(`${state}\n`),
});
process.once('SIGTERM', () => void onchain.stop().then(() => (store.close(), process.exit(0))));
