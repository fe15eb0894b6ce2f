import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiscordAPIError, REST } from '@discordjs/rest';
import { COMMANDS } from '../../commands/index.ts';
import { alertsArgs } from '../../commands/alerts.ts';
import { ALERT_FILTERS } from '../../db/schema/constants.ts';
import { startFakeDiscordApi, type FakeDiscordApi } from '../../test/fakes/discord-api.ts';
import { testConfig } from '../../test/support/db.ts';
import { ConfigError } from '../config.ts';
import { interactionText } from './command.ts';
import { buildCommand, registerCommands } from './register.ts';

const KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
let api: FakeDiscordApi;
beforeAll(async () => {
  api = await startFakeDiscordApi();
});
afterEach(() => api.reset());
afterAll(() => api.close());

const env = (extra: Record<string, string> = {}) =>
  testConfig({ DISCORD_PUBLIC_KEY: KEY, DISCORD_APPLICATION_ID: '555000000000000001', DISCORD_BOT_TOKEN: 'bot-token', ...extra, DISCORD_API_URL: api.url });

describe('buildCommand', () => {
  it('offers exactly the registry commands, with typed options', () => {
    const cmd = buildCommand();
    expect(cmd).toMatchObject({ name: 'user360', description: expect.any(String) });
    const names = (cmd.options ?? []).map((o) => o.name);
    // Exactly the registry, no more and no fewer: the old check filtered the registry by the names it
    // was comparing with, so it could not fail (planted: buildCommand skipping its last entry fails).
    expect([...names].sort()).toEqual(Object.keys(COMMANDS).sort());
    expect([...names].sort()).toEqual(['alerts', 'conflicts', 'digest', 'find', 'help', 'lookup', 'metrics', 'roles', 'segment', 'tag', 'top', 'wallet']);
    const lookup = cmd.options!.find((o) => o.name === 'lookup') as { options: Array<{ name: string; type: number; required: boolean }> };
    expect(lookup.options).toEqual([expect.objectContaining({ name: 'identifier', type: 3, required: true })]);
  });

  it('adds groups only for commands the registry has', () => {
    const withAll = buildCommand({ ...COMMANDS, alerts: {}, digest: {}, roles: {} });
    const groups = withAll.options!.filter((o) => o.type === 2).map((o) => o.name);
    expect(groups.sort()).toEqual(['alerts', 'conflicts', 'digest', 'roles', 'segment']);
    expect(buildCommand({ lookup: {}, help: {} }).options!.map((o) => o.name)).toEqual(['lookup', 'help']);
  });

  it('puts required options first for Discord, while the text keeps the grammar order', () => {
    const grant = (buildCommand({ roles: {} }).options![0] as { options: Array<{ name: string; options: Array<{ name: string }> }> }).options.find((s) => s.name === 'grant')!;
    expect(grant.options.map((o) => o.name)).toEqual(['as', 'user', 'role']);
    const given = [{ name: 'as', type: 3, value: 'compliance' }, { name: 'role', type: 8, value: '123456' }];
    expect(interactionText([{ name: 'roles', type: 2, options: [{ name: 'grant', type: 1, options: given }] }])).toBe('roles grant <@&123456> compliance');
  });
  it('offers every alert kind the command takes (exposure included) for subscribe and unsubscribe, from the one list', () => {
    const alerts = (buildCommand().options!.find((o) => o.name === 'alerts') as { options: Array<{ name: string; options: Array<{ name: string; choices?: Array<{ name: string; value: string }> }> }> }).options;
    for (const sub of ['subscribe', 'unsubscribe']) {
      const kind = alerts.find((s) => s.name === sub)!.options.find((o) => o.name === 'kind')!;
      const values = kind.choices!.map((c) => c.value);
      expect(values, sub).toEqual([...ALERT_FILTERS]);
      expect(values, sub).toContain('exposure');
      // Each offered choice is a kind the text grammar accepts, and reaches it as that kind.
      for (const v of values) {
        const text = interactionText([{ name: 'alerts', type: 2, options: [{ name: sub, type: 1, options: [{ name: 'kind', type: 3, value: v }] }] }]);
        expect(alertsArgs.parse(text.split(' ').slice(1)), text).toMatchObject({ action: sub, filter: v });
      }
    }
  });
});

describe('interactionText', () => {
  it('turns options back into the text grammar', () => {
    const sub = (name: string, options: Array<{ name: string; type: number; value: string | number }> = []) => [{ name, type: 1, options }];
    expect(interactionText(sub('lookup', [{ name: 'identifier', type: 3, value: '0912 345 678' }]))).toBe('lookup "0912 345 678"');
    expect(interactionText(sub('top', [{ name: 'n', type: 4, value: 5 }, { name: 'range', type: 3, value: '7d' }]))).toBe('top 7d 5');
    expect(interactionText(sub('metrics'))).toBe('metrics');
    expect(interactionText([])).toBe('help');
  });
});

describe('registerCommands', () => {
  it('PUTs the command globally and the fake API accepts it', async () => {
    const config = env();
    const rest = new REST({ api: api.url }).setToken('bot-token');
    const result = await registerCommands(config, rest);
    expect(result).toMatchObject({ scope: 'global', commands: [{ id: expect.any(String), name: 'user360' }] });
    const [call] = api.callsTo('PUT /api/v10/applications/555000000000000001/commands');
    expect(call?.headers.authorization).toBe('Bot bot-token');
    expect(call?.body.items).toEqual([buildCommand()]);
  });

  it('registers in one guild when DISCORD_GUILD_ID is set, building its own REST client from config', async () => {
    const result = await registerCommands(env({ DISCORD_GUILD_ID: '600000000000000001' }));
    expect(result).toMatchObject({ scope: 'guild', guildId: '600000000000000001' });
    expect(api.callsTo('PUT /api/v10/applications/555000000000000001/guilds/600000000000000001/commands')).toHaveLength(1);
  });

  it('surfaces a refusal from Discord', async () => {
    api.failNext('PUT', { status: 400, body: { message: 'Invalid Form Body', code: 50035 } });
    await expect(registerCommands(env(), new REST({ api: api.url, retries: 0 }).setToken('x'))).rejects.toBeInstanceOf(DiscordAPIError);
  });

  it('refuses clearly without the application id or bot token', async () => {
    await expect(registerCommands(testConfig({}))).rejects.toThrow(/DISCORD_APPLICATION_ID/);
    await expect(registerCommands(testConfig({ DISCORD_PUBLIC_KEY: KEY, DISCORD_APPLICATION_ID: '1' }))).rejects.toBeInstanceOf(ConfigError);
    await expect(registerCommands(testConfig({ DISCORD_PUBLIC_KEY: KEY, DISCORD_APPLICATION_ID: '1' }))).rejects.toThrow(/DISCORD_BOT_TOKEN/);
    expect(api.calls).toHaveLength(0);
  });

  it('offers a date on digest preview and autocomplete on it and on ranges', () => {
    const cmd = buildCommand({ ...COMMANDS, digest: {} }) as unknown as { options: Array<{ name: string; options?: Array<{ name: string; autocomplete?: boolean; options?: Array<{ name: string; autocomplete?: boolean }> }> }> };
    const preview = cmd.options.find((o) => o.name === 'digest')!.options!.find((o) => o.name === 'preview')!;
    expect(preview.options).toEqual([expect.objectContaining({ name: 'date', autocomplete: true, required: false })]);
    expect(cmd.options.find((o) => o.name === 'metrics')!.options![0]).toMatchObject({ name: 'range', autocomplete: true });
    expect(cmd.options.find((o) => o.name === 'lookup')!.options![0]!.autocomplete).toBeFalsy();
  });
});
