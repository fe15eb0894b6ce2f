import { firstDataDay } from '../src/metrics/query.ts';
import { parseRange, type DayRange } from '../src/metrics/range.ts';
import type { CommandContext } from './types.ts';

/** The one way a range a caller typed becomes days: `all` starts at the first day with data. */
export async function rangeFor(text: string | undefined, ctx: Pick<CommandContext, 'store' | 'clock'>): Promise<DayRange> {
  return parseRange(text, ctx.clock().getTime(), await firstDataDay(ctx.store.db));
}
