import { seedDemo } from '../src/seed/demo.ts';
import type { CommandContext } from './types.ts';

/** `npx user360 seed`: the demo data set, deterministic for a seed, through the same checks and ingest as the API. */
export const seedDemoData = (opts: { customers: number; seed: number }, ctx: Pick<CommandContext, 'store' | 'identity' | 'clock'>) =>
  seedDemo({ store: ctx.store, identity: ctx.identity, clock: ctx.clock }, opts.customers, opts.seed);
