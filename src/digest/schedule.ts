import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.ts';

/** node-cron only triggers; the job itself is a plain function and exactly-once lives in the database. */
export function scheduleDigest(opts: { cron: string; timezone: string }, run: () => Promise<unknown>, log: Logger): ScheduledTask {
  return cron.schedule(
    opts.cron,
    async () => {
      try {
        log.info(await run(), 'daily digest run');
      } catch (e) {
        log.error({ err: { message: (e as Error).message, stack: (e as Error).stack } }, 'daily digest failed');
      }
    },
    { name: 'daily-digest', timezone: opts.timezone, noOverlap: true },
  );
}
