import { z } from 'zod';
import { firstDataDay, queryMetrics } from '../src/metrics/query.ts';
import { parseRange, RANGE_HELP } from '../src/metrics/range.ts';
import type { CommandContext, CommandResult } from './types.ts';

export const metricsArgs = z.array(z.string()).max(1, `metrics takes one range: ${RANGE_HELP}`).transform((w) => ({ range: w[0] }));

export async function metrics(input: { range?: string }, ctx: CommandContext): Promise<CommandResult> {
  const db = ctx.store.db;
  const range = parseRange(input.range, ctx.clock().getTime(), await firstDataDay(db));
  return { kind: 'metrics', metrics: await queryMetrics(db, range, ctx.clock().getTime(), 5) };
}
