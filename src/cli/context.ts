import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { ensureFindIndexes } from '../../commands/find.ts';
import type { Role } from '../../db/schema/constants.ts';
import type { CommandContext } from '../../commands/types.ts';
import { onchainAccess } from '../../commands/context.ts';
import { DEFAULT_DATABASE_URL, loadConfig, type Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { systemClock } from '../time.ts';

export interface CliEnv {
  config: Config;
  store: Store;
}

/** The local file of an embedded `file:` URL; undefined for a libSQL server or an in-memory database. */
export function embeddedPath(url: string): string | undefined {
  if (!url.startsWith('file:') || url.includes(':memory:')) return undefined;
  return url.slice('file:'.length).replace(/^\/\/(localhost)?/, '').split('?')[0];
}

/** A shell word that survives copy and paste: quoted unless it is plainly safe. */
export const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The exact terminal command for this database: with DATABASE_URL when the service was not started on
 * the default (a terminal without it would open, or fail to find, another file). The URL's query (it
 * may carry a token) and DATABASE_AUTH_TOKEN are never printed.
 */
export function cliCommand(databaseUrl: string, args: string): string {
  const url = databaseUrl.split('?')[0]!;
  return url === DEFAULT_DATABASE_URL ? `npx user360 ${args}` : `DATABASE_URL=${shellWord(url)} npx user360 ${args}`;
}

/**
 * The terminal opens the same database the service uses. Commands that store something (`create`)
 * may start a new embedded file; a read command on a file that is not there is an error: it used to
 * make an empty database and answer "No customer found", which looks like lost data.
 */
export async function openCli(opts: { create?: boolean } = {}): Promise<CliEnv> {
  const config = loadConfig();
  const path = embeddedPath(config.databaseUrl);
  if (path && !opts.create && !existsSync(path)) {
    const which = config.databaseUrl === DEFAULT_DATABASE_URL ? ' (the default; DATABASE_URL is not set)' : '';
    throw new AppError(
      'no_database',
      `No database at ${path}${which}. Nothing was created.\nRun this in the folder the service runs in, with the DATABASE_URL it was started with: \`npm start\` prints the exact command.`,
    );
  }
  const store = await createStore(config.databaseUrl, config.databaseAuthToken, config.database);
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
    // No chain loop runs in the terminal: a request row waits for the next round of a running service.
    onchain: onchainAccess({ store: env.store, clock: systemClock }, env.config.evm),
  };
}
