import { setFlagsFromString } from 'node:v8';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createStore, prepareDatabase } from '../db/client.ts';
import { customers } from '../db/schema/index.ts';
import { sqlNames } from '../db/sql-names.ts';
import { ensureFindIndexes } from '../commands/find.ts';
import { onchainAccess } from '../commands/context.ts';
import { createApp, type AppDeps } from './app.ts';
import { cliCommand } from './cli/context.ts';
import { createApiKey } from './auth/api-keys.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { seedDemo } from './seed/demo.ts';
import { startIngestThread } from './ingest/thread.ts';
import { systemClock } from './time.ts';
import { startDeliveryWorker } from './delivery/worker.ts';
import { fanOutAlerts } from './compliance/alert-fanout.ts';
import { startSegmentWorker } from './audience/segment-recompute.ts';
import { alertDeliveryRenderer } from './compliance/alert-delivery.ts';
import { deliveryRenderer } from './delivery/render.ts';
import { catchUpDigests, runDailyDigest } from './digest/job.ts';
import { dailyRunPassed, scheduleDigest } from './digest/schedule.ts';
import type { Notifiers } from './delivery/notifiers/types.ts';

/**
 * V8 lets the old generation grow by up to 4× its live size between full collections by default; a heap
 * snapshot after the lookups-under-ingest mix held 28 MB live beside 84–118 MB of old-generation garbage
 * (BENCHMARKS.md, "Server memory after sustained ingest"). Growing by 1.5× keeps the server under its 256 MB goal for the same CPU per
 * record. Set here, before the service allocates, because Node passes no V8 flag through NODE_OPTIONS
 * for this one and `npm start` runs plain `node dist/main.js`.
 */
setFlagsFromString('--heap-growing-percent=50');

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
  const store = await createStore(config.databaseUrl, config.databaseAuthToken, config.database);
  const { replayed, failedJournals } = await prepareDatabase(store);
  // Audit rows a previous process journaled during a batch and died before inserting (db/journal.ts).
  if (replayed || failedJournals) log.info(`audit journal: ${replayed} rows inserted from stopped processes${failedJournals ? `, ${failedJournals} journals set aside as .failed` : ''}`);
  // Customers stored before the find indexes existed are indexed once (a no-op on a new database).
  await ensureFindIndexes(store, Date.now(), (line) => log.info(line));
  const deps = { store, identity: config.identity, clock: systemClock };
  const ingestThread = config.ingestThread ? startIngestThread(store, config.identity) : undefined;

  let demoKey: string | undefined;
  const [{ n }] = (await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ${sqlNames(customers).$}`)) as [{ n: number }];
  if (config.seedDemo === 'true' || (config.seedDemo === 'auto' && n === 0 && config.databaseUrl.startsWith('file:') && !store.replica)) {
    const started = performance.now();
    const r = await seedDemo(deps);
    demoKey = (await createApiKey(store, `demo-${Date.now()}`, Date.now())).key;
    log.info({ records: r.accepted, ms: Math.round(performance.now() - started) }, 'seeded demo data');
  }

  const clock = systemClock;
  // On-chain reading is loaded only when a chain is configured; a node serving another chain stops start-up.
  let onchain: { stop(): Promise<void>; kick(): void } | undefined;
  if (config.evm) {
    const { checkChains, startOnchain } = await import('./onchain/service.ts');
    try {
      await checkChains(config.evm, log);
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    }
    onchain = startOnchain({ store, identity: config.identity, clock, log, evm: config.evm });
  }
  // Lookups finding a stale reading ask for a fresh one: a row any instance serves, and a wake-up for ours.
  const chainAccess = onchainAccess(deps, config.evm, () => onchain?.kick(), (m) => log.warn(m));
  const mounts: NonNullable<AppDeps['mounts']> = [];
  // Each chat SDK is loaded only when its platform is configured: they are the slowest part of start-up.
  if (config.slack) mounts.push({ path: '/slack', app: (await import('./slack/index.ts')).slackRoutes({ ...deps, log, slack: config.slack, onchain: chainAccess }) });
  if (config.discord) mounts.push({ path: '/discord', app: (await import('./discord/index.ts')).discordRoutes({ ...deps, log, discord: config.discord, onchain: chainAccess }) });

  // Digests and alerts go out through notifiers; without chat settings the jobs still run and record.
  const notifiers: Notifiers = {};
  if (config.slack) notifiers.slack = (await import('./delivery/notifiers/slack.ts')).slackNotifier({ token: config.slack.botToken, apiUrl: config.slack.apiUrl });
  if (config.discord?.botToken) notifiers.discord = (await import('./delivery/notifiers/discord.ts')).discordNotifier({ token: config.discord.botToken, apiUrl: config.discord.apiUrl });
  const admins = { slack: config.slack?.admins ?? [], discord: config.discord?.admins ?? [] };
  const delivery = { store, clock, log, notifiers, render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, admins), admins) };
  const worker = startDeliveryWorker(delivery, 1000, () => fanOutAlerts(store, clock().getTime()));
  // Segment membership: recomputed every SEGMENT_REFRESH_SECONDS by whichever instance is due first.
  const segmentWorker = startSegmentWorker({ store, clock, log, everyMs: config.segmentRefreshMs, delivered: worker.kick });
  const app = createApp({ store, config, clock, log, mounts, onAlerts: worker.kick, onchain: chainAccess, ingestThread });
  // Digests whose time has passed and are not made yet: missed days, and today once 23:59 has passed.
  // The delivery rows keep each to once per channel, so running this again is always safe.
  const sendDueDigests = async () => {
    const r = await catchUpDigests(delivery, clock().getTime());
    if (r.enqueued) log.info(r, 'sent digests missed while the service was down');
    // Started after today's run time (a restart at 23:59): today's digest is ours to send; the
    // delivery rows keep it to once per channel if another instance already sent it.
    if (dailyRunPassed(config.digest.cron, config.digest.timezone, clock().getTime())) await runDailyDigest(delivery, clock().getTime());
  };
  // A run that fails (the database unreachable at 23:59) is tried again with backoff until it goes through.
  let retry: ReturnType<typeof setTimeout> | undefined;
  const retryDigests = (attempt: number) => {
    clearTimeout(retry);
    retry = setTimeout(
      () => void sendDueDigests().catch((e) => {
        log.error({ err: { message: (e as Error).message }, attempt }, 'digest retry failed');
        retryDigests(attempt + 1);
      }),
      Math.min(300_000, 15_000 * attempt),
    );
  };
  const digestTask = scheduleDigest(config.digest, () => runDailyDigest(delivery, clock().getTime()).catch((e) => {
    retryDigests(1);
    throw e;
  }), log);
  // A moment after start, so the first requests are answered before rollups of missed days run.
  const catchUp = setTimeout(() => void sendDueDigests().catch((e) => {
    log.error({ err: { message: (e as Error).message } }, 'digest catch-up failed');
    retryDigests(1);
  }), 2000);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info({ port: info.port, slack: Boolean(config.slack), discord: Boolean(config.discord) }, 'user360 listening');
    const base = `http://localhost:${info.port}`;
    process.stdout.write(
      [
        '',
        `User 360 is up on ${base} (database ${config.databaseUrl.split('?')[0]}).`,
        'Things to try:',
        // In another terminal, in this folder: with DATABASE_URL when it is not the default.
        `  ${cliCommand(config.databaseUrl, 'lookup alice@example.com')}`,
        `  ${cliCommand(config.databaseUrl, 'metrics 30d')}`,
        `  ${cliCommand(config.databaseUrl, 'top 30d 5')}`,
        ...(demoKey
          ? [
              `  curl -s -H 'Authorization: Bearer ${demoKey}' ${base}/v1/profiles/alice@example.com`,
              `  curl -s -H 'Authorization: Bearer ${demoKey}' -H 'Content-Type: application/json' ${base}/v1/identify \\`,
              `       -d '{"id":"try-1","timestamp":"2026-11-20T10:00:00+08:00","identifiers":{"email":"bob@example.com","phone":"+82 10 2345 6789"},"traits":{"name":"Bob Kim"}}'`,
              `  (that demo API key is shown once; make more with: ${cliCommand(config.databaseUrl, 'keys create <name>')})`,
            ]
          : [`  ${cliCommand(config.databaseUrl, 'keys create my-integration')}   # then: curl -H "Authorization: Bearer <key>" ${base}/v1/profiles/alice@example.com`]),
        `  ${base}/docs   (the API reference)`,
        '',
      ].join('\n'),
    );
  });

  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    digestTask.stop();
    clearTimeout(catchUp);
    clearTimeout(retry);
    worker.stop();
    segmentWorker.stop();
    const chainsStopped = onchain?.stop() ?? Promise.resolve();
    server.close(() => {
      void Promise.allSettled([chainsStopped, ingestThread?.close()]).finally(() => {
        store.close();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

await main();
