import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createStore, prepareDatabase } from '../db/client.ts';
import { createApp, type AppDeps } from './app.ts';
import { createApiKey } from './auth/api-keys.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { seedDemo } from './seed/demo.ts';
import { systemClock } from './time.ts';

/** The one file that listens: reads config, opens and migrates the database, serves, stops gracefully. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const store = createStore(config.databaseUrl, config.databaseAuthToken);
  await prepareDatabase(store);
  const deps = { store, identity: config.identity, clock: systemClock };

  let demoKey: string | undefined;
  const [{ n }] = (await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM customers`)) as [{ n: number }];
  if (config.seedDemo === 'true' || (config.seedDemo === 'auto' && n === 0 && config.databaseUrl.startsWith('file:'))) {
    const started = performance.now();
    const r = await seedDemo(deps);
    demoKey = (await createApiKey(store, `demo-${Date.now()}`, Date.now())).key;
    log.info({ records: r.accepted, ms: Math.round(performance.now() - started) }, 'seeded demo data');
  }

  const mounts: NonNullable<AppDeps['mounts']> = [];
  const app = createApp({ store, config, clock: systemClock, log, mounts });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info({ port: info.port, slack: Boolean(config.slack), discord: Boolean(config.discord) }, 'user360 listening');
    const base = `http://localhost:${info.port}`;
    process.stdout.write(
      [
        '',
        `User 360 is up on ${base} (database ${config.databaseUrl.split('?')[0]}).`,
        'Things to try:',
        '  npx user360 lookup alice@example.com',
        '  npx user360 metrics 30d',
        '  npx user360 top 30d 5',
        ...(demoKey
          ? [
              `  curl -s -H 'Authorization: Bearer ${demoKey}' ${base}/v1/profiles/alice@example.com`,
              `  curl -s -H 'Authorization: Bearer ${demoKey}' -H 'Content-Type: application/json' ${base}/v1/identify \\`,
              `       -d '{"id":"try-1","timestamp":"2026-11-20T10:00:00+08:00","identifiers":{"email":"bob@example.com","phone":"+82 10 2345 6789"},"traits":{"name":"Bob Kim"}}'`,
              '  (that demo API key is shown once; make more with: npx user360 keys create <name>)',
            ]
          : ['  npx user360 keys create my-integration   # then: curl -H "Authorization: Bearer <key>" ' + `${base}/v1/profiles/alice@example.com`]),
        `  ${base}/openapi.json`,
        '',
      ].join('\n'),
    );
  });

  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    server.close(() => {
      store.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

await main();
