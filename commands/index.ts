import * as z from 'zod';
import { help, USAGE } from './help.ts';
import { lookup, lookupArgs } from './lookup.ts';
import { metrics, metricsArgs } from './metrics.ts';
import { MAX_COMMAND_TEXT, parseArgs, tokenize, UsageError } from './parse.ts';
import { roles, rolesArgs } from './roles.ts';
import { alerts, alertsArgs } from './alerts.ts';
import { digest, digestArgs } from './digest.ts';
import { top, topArgs } from './top.ts';
import { find, findArgs } from './find.ts';
import { segment, segmentArgs } from './segment.ts';
import { tag, tagArgs } from './tag.ts';
import { wallet, walletArgs } from './wallet.ts';
import { conflicts, conflictsArgs } from './conflicts.ts';
import type { CommandContext, CommandResult } from './types.ts';
import { AppError } from '../src/errors.ts';
import { badString } from '../src/unicode.ts';

interface CommandDef<S extends z.ZodType> {
  args: S;
  run(input: z.infer<S>, ctx: CommandContext): Promise<CommandResult> | CommandResult;
}
const def = <S extends z.ZodType>(d: CommandDef<S>) => d as unknown as CommandDef<z.ZodType>;

/**
 * The one registry: Slack, Discord and the terminal all dispatch through `runCommandText`. It has no
 * prototype and is read through `commandNamed`, so a typed `constructor` or `__proto__` is unknown.
 */
export const COMMANDS: Record<string, CommandDef<z.ZodType>> = Object.assign(Object.create(null) as Record<string, CommandDef<z.ZodType>>, {
  lookup: def({ args: lookupArgs, run: (identifier, ctx) => lookup({ identifier }, ctx) }),
  wallet: def({ args: walletArgs, run: (address, ctx) => wallet({ address }, ctx) }),
  metrics: def({ args: metricsArgs, run: metrics }),
  top: def({ args: topArgs, run: top }),
  roles: def({ args: rolesArgs, run: roles }),
  alerts: def({ args: alertsArgs, run: alerts }),
  digest: def({ args: digestArgs, run: digest }),
  find: def({ args: findArgs, run: find }),
  segment: def({ args: segmentArgs, run: segment }),
  tag: def({ args: tagArgs, run: tag }),
  conflicts: def({ args: conflictsArgs, run: conflicts }),
  help: def({ args: z.array(z.string()), run: () => help() }),
});

const commandNamed = (name: string) => (Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);

export async function runCommandText(text: string, ctx: CommandContext): Promise<CommandResult> {
  if (text.length > MAX_COMMAND_TEXT) {
    return { kind: 'usage_error', message: `The command text is ${text.length} characters long; the limit is ${MAX_COMMAND_TEXT}.`, usage: USAGE };
  }
  const bad = badString(text);
  if (bad) return { kind: 'usage_error', message: `The command text ${bad}.`, usage: USAGE };
  const [name, ...rest] = tokenize(text);
  if (!name) return help();
  const command = commandNamed(name.toLowerCase());
  if (!command) return { kind: 'usage_error', message: `Unknown subcommand "${name}".`, usage: USAGE };
  try {
    return await command.run(parseArgs(command.args, rest), ctx);
  } catch (e) {
    if (e instanceof UsageError) return { kind: 'usage_error', message: e.message, usage: USAGE };
    if (e instanceof AppError && e.status < 500) return { kind: 'usage_error', message: e.message, usage: USAGE };
    throw e;
  }
}
