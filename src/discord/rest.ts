import { DefaultRestOptions, REST } from 'discord.js';
import type { Config } from '../config.ts';

/** discord.js's REST client on Discord or on DISCORD_API_URL (a base without the version; REST adds /v10). */
export function discordRest(discord: Pick<NonNullable<Config['discord']>, 'apiUrl'>): REST {
  return new REST({ api: discord.apiUrl ?? DefaultRestOptions.api });
}
