// `npm run discord:register`: tells Discord what `/user360` looks like. Run it once per deploy that
// changes the command; with DISCORD_GUILD_ID the command shows in that guild at once (global
// commands can take a while to appear everywhere).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  REST, Routes, SlashCommandBuilder, SlashCommandSubcommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { availableSubcommands, COMMAND_DESCRIPTION, COMMAND_NAME, type SubcommandSpec } from './command.ts';
import { discordRest } from './rest.ts';

function addSubcommand(b: SlashCommandSubcommandBuilder, spec: SubcommandSpec): SlashCommandSubcommandBuilder {
  b.setName(spec.name).setDescription(spec.description);
  // Discord refuses a required option after an optional one; the grammar's order is kept in the spec.
  const options = [...(spec.options ?? [])].sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false));
  for (const o of options) {
    const base = <T extends { setName(n: string): T; setDescription(d: string): T; setRequired(r: boolean): T }>(x: T) =>
      x.setName(o.name).setDescription(o.description).setRequired(o.required ?? false);
    const choices = (o.choices ?? []).map((c) => ({ name: c, value: c }));
    if (o.kind === 'string') b.addStringOption((x) => (choices.length ? base(x).addChoices(...choices) : base(x).setAutocomplete(Boolean(o.autocomplete))));
    if (o.kind === 'integer') {
      b.addIntegerOption((x) => {
        base(x);
        if (o.min !== undefined) x.setMinValue(o.min);
        if (o.max !== undefined) x.setMaxValue(o.max);
        return x;
      });
    }
    if (o.kind === 'user') b.addUserOption(base);
    if (o.kind === 'role') b.addRoleOption(base);
    if (o.kind === 'channel') b.addChannelOption(base);
  }
  return b;
}

/** The `/user360` definition, with the subcommands the command registry has. */
export function buildCommand(registry?: Record<string, unknown>): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const command = new SlashCommandBuilder().setName(COMMAND_NAME).setDescription(COMMAND_DESCRIPTION);
  for (const entry of availableSubcommands(registry)) {
    const { subcommands } = entry;
    if (subcommands) {
      command.addSubcommandGroup((g) => {
        g.setName(entry.name).setDescription(entry.description);
        for (const sub of subcommands) g.addSubcommand((b) => addSubcommand(b, sub));
        return g;
      });
    } else command.addSubcommand((b) => addSubcommand(b, entry));
  }
  return command.toJSON();
}

export interface Registered {
  scope: 'global' | 'guild';
  guildId?: string;
  commands: Array<{ id: string; name: string }>;
}

/** PUTs the command set (replacing what was there) for the application, or for one guild when configured. */
export async function registerCommands(config: Pick<Config, 'discord'>, rest?: REST): Promise<Registered> {
  const d = config.discord;
  if (!d) throw new ConfigError('Discord is not configured: set DISCORD_APPLICATION_ID and DISCORD_PUBLIC_KEY (from the Developer Portal).');
  if (!d.botToken) throw new ConfigError('DISCORD_BOT_TOKEN is required to register commands (Developer Portal → Bot → Reset Token).');
  const client = rest ?? discordRest(d).setToken(d.botToken);
  const route = d.guildId ? Routes.applicationGuildCommands(d.applicationId, d.guildId) : Routes.applicationCommands(d.applicationId);
  const commands = (await client.put(route, { body: [buildCommand()] })) as Registered['commands'];
  return { scope: d.guildId ? 'guild' : 'global', guildId: d.guildId, commands };
}

async function main(): Promise<void> {
  try {
    const result = await registerCommands(loadConfig());
    const where = result.scope === 'guild' ? `in guild ${result.guildId}` : 'globally (may take a while to show everywhere)';
    console.log(`Registered ${result.commands.map((c) => `/${c.name}`).join(', ')} ${where}.`);
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : `Registration failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}

const entry = process.argv[1];
if (entry && realpathSync(entry) === fileURLToPath(import.meta.url)) void main();
