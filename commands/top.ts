import * as z from 'zod';
import { queryMetrics } from '../src/metrics/query.ts';
import { rangeFor } from './range.ts';
import type { CommandContext, CommandResult } from './types.ts';

const MAX_TOP = 50;

export const topArgs = z
  .array(z.string())
  .max(2, 'top takes a range and a count, like: top 30d 10')
  .transform((words, ctx) => {
    let range: string | undefined;
    let n = 10;
    for (const w of words) {
      if (/^\d+$/.test(w)) {
        n = Number(w);
        if (n < 1 || n > MAX_TOP) ctx.addIssue({ code: 'custom', message: `top shows 1 to ${MAX_TOP} customers` });
      } else range = w;
    }
    return { range: range ?? '30d', n };
  });

/** `top [range] [n]`: customers by transaction volume. Unified IDs only, so it is safe in any channel. */
export async function top(input: { range: string; n: number }, ctx: CommandContext): Promise<CommandResult> {
  const range = await rangeFor(input.range, ctx);
  const m = await queryMetrics(ctx.store.db, range, ctx.clock().getTime(), input.n);
  return { kind: 'top', range: m.range, customers: m.assetpro.top_customers };
}
