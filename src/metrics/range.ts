import { AppError } from '../errors.ts';
import { addDays, daysBetween, gmt8Day, isValidDay } from '../time.ts';

export interface DayRange {
  from: string;
  to: string;
  /** What the caller asked for, for headings: `7d`, `all`, `2026-11-01..2026-11-20`. */
  label: string;
}

export const RANGE_HELP = 'all, 1d, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD';
const MAX_DAYS = 3660;

/** Ranges are whole GMT+8 days ending today; `all` starts at the first day that has data (`firstDay`). */
export function parseRange(input: string | undefined, now: number, firstDay?: string): DayRange {
  const today = gmt8Day(now);
  const label = (input ?? '7d').trim().toLowerCase();
  const rel = /^(\d{1,4})d$/.exec(label);
  if (label === 'all') return { from: firstDay && firstDay < today ? firstDay : today, to: today, label };
  if (rel) {
    const n = Number(rel[1]);
    if (n < 1 || n > MAX_DAYS) throw new AppError('invalid_range', `a range of ${label} is out of bounds; use 1d to ${MAX_DAYS}d`);
    return { from: addDays(today, 1 - n), to: today, label };
  }
  const custom = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(label);
  if (custom) {
    const [, from, to] = custom as unknown as [string, string, string];
    if (!isValidDay(from) || !isValidDay(to)) throw new AppError('invalid_range', `"${label}" has a date that does not exist`);
    if (from > to) throw new AppError('invalid_range', `"${label}" ends before it starts`);
    if (daysBetween(from, to) >= MAX_DAYS) throw new AppError('invalid_range', `"${label}" is longer than ${MAX_DAYS} days`);
    return { from, to, label };
  }
  throw new AppError('invalid_range', `"${input}" is not a range; use ${RANGE_HELP}`);
}
