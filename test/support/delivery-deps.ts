import { sql } from 'drizzle-orm';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { deliveries } from '../../db/schema/index.ts';
import { alertDeliveryRenderer } from '../../src/compliance/alert-delivery.ts';
import type { DeliveryDeps } from '../../src/delivery/deliveries.ts';
import { discordNotifier } from '../../src/delivery/notifiers/discord.ts';
import { slackNotifier } from '../../src/delivery/notifiers/slack.ts';
import { deliveryRenderer } from '../../src/delivery/render.ts';
import { createLogger } from '../../src/logger.ts';

/**
 * What a worker process of the multi-instance tests sends with: the real renderers over its own store
 * and the real notifiers against the fake chat APIs the parent test started (SLACK_API_URL, and
 * DISCORD_API_URL when `discord` is asked for).
 */
export function deliveryDepsFor(store: Store, opts: { clock?: () => Date; discord?: boolean } = {}): DeliveryDeps {
  const clock = opts.clock ?? (() => new Date());
  return {
    store, clock, log: createLogger('silent'),
    notifiers: {
      slack: slackNotifier({ token: 'xoxb-test', apiUrl: process.env.SLACK_API_URL }),
      ...(opts.discord ? { discord: discordNotifier({ token: 'bot', apiUrl: process.env.DISCORD_API_URL }) } : {}),
    },
    render: deliveryRenderer(store.db, clock, alertDeliveryRenderer(store.db, {})),
  };
}

/** A worker process's own store on the database the parent test passed as its first argument, migrated, with its delivery deps. */
export async function deliveryWorker(opts: { clock?: () => Date; discord?: boolean } = {}): Promise<{ store: Store; deps: DeliveryDeps }> {
  const store = await createStore(process.argv[2]!);
  await prepareDatabase(store);
  return { store, deps: deliveryDepsFor(store, opts) };
}

/** Deliveries still waiting to be sent (the workers loop until there are none). */
export async function pendingDeliveries(store: Store): Promise<number> {
  const [{ left }] = (await store.db.all<{ left: number }>(sql`SELECT count(*) AS left FROM ${deliveries} WHERE ${deliveries.status} = 'pending'`)) as [{ left: number }];
  return left;
}
