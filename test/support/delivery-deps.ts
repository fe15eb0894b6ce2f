import type { Store } from '../../db/client.ts';
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
