import * as z from 'zod';
import { queryMetrics } from '../src/metrics/query.ts';
import { RANGE_HELP } from '../src/metrics/range.ts';
import { rangeFor } from './range.ts';
import type { CommandContext, CommandResult } from './types.ts';

export const metricsArgs = z.array(z.string()).max(1, `metrics takes one range: ${RANGE_HELP}`).transform((w) => ({ range: w[0] }));

/** `metrics [range]`: chat shows the top 5 customers; the read API asks for its own `top` (10). */
export async function metrics(input: { range?: string; top?: number }, ctx: CommandContext): Promise<CommandResult> {
  const range = await rangeFor(input.range, ctx);
  return { kind: 'metrics', metrics: await queryMetrics(ctx.store.db, range, ctx.clock().getTime(), input.top ?? 5) };
}
