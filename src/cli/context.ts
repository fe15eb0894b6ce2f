import { userInfo } from 'node:os';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { ensureFindIndexes } from '../../commands/find.ts';
import type { Role } from '../../db/schema/constants.ts';
import type { CommandContext } from '../../commands/types.ts';
import { loadConfig, type Config } from '../config.ts';
import { systemClock } from '../time.ts';

export interface CliEnv {
  config: Config;
  store: Store;
}

/** The terminal opens the same database the service uses; migrations make a new file usable at once. */
export async function openCli(): Promise<CliEnv> {
  const config = loadConfig();
  const store = createStore(config.databaseUrl, config.databaseAuthToken, config.database);
  await prepareDatabase(store);
  await ensureFindIndexes(store, Date.now(), (line) => process.stderr.write(`${line}\n`));
  return { config, store };
}

/** Whoever runs the terminal operates the service, so they see everything unless they ask `--as viewer`. */
export function cliContext(env: CliEnv, role: Role = 'admin'): CommandContext {
  return {
    store: env.store,
    identity: env.config.identity,
    clock: systemClock,
    caller: { platform: 'cli', userId: `cli:${userInfo().username}`, role },
  };
}
