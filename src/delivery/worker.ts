import type { Logger } from '../logger.ts';
import { processDueDeliveries, type DeliveryDeps } from './deliveries.ts';

/**
 * Polls for due deliveries (new alerts, retries whose time came, leases a dead instance left) and
 * can be woken at once when something is enqueued, which keeps alerts within seconds.
 */
export function startDeliveryWorker(deps: DeliveryDeps & { log: Logger }, intervalMs = 1000, before?: () => Promise<unknown>) {
  let running = false;
  let again = false;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (running) return void (again = true);
    running = true;
    try {
      do {
        again = false;
        await before?.();
        const r = await processDueDeliveries(deps);
        if (r.sent + r.retrying + r.failed > 0) again = true;
      } while (again && !stopped);
    } catch (e) {
      deps.log.error({ err: { message: (e as Error).message } }, 'delivery worker tick failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    kick: () => void tick(),
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
