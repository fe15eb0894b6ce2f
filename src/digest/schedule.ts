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

/**
 * Whether today's run of a daily `M H * * *` schedule has already passed in `timezone`: a process that
 * starts at 23:59:30 missed the 23:59 tick and should send today's digest itself. Other schedules are
 * caught up from the next day on.
 */
export function dailyRunPassed(expr: string, timezone: string, now: number): boolean {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(expr.trim());
  if (!m) return false;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(now));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute >= Number(m[2]) * 60 + Number(m[1]);
}
