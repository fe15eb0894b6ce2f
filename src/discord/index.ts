// The Discord adapter: verifies the request, turns the interaction into the shared text grammar, runs it
// through the command registry, renders embeds. Discord gives 3 seconds for the first answer, so a
// command that is still busy after `deferAfterMs` is acknowledged as deferred and finished by a PATCH
// of the original reply through the interaction webhook.
import { DiscordAPIError, Routes, type REST } from 'discord.js';
import { Hono } from 'hono';
import * as z from 'zod';
import type { Store } from '../../db/client.ts';
import { acknowledge } from '../../commands/acknowledge.ts';
import { chatContext } from '../../commands/context.ts';
import { within } from '../../commands/deadline.ts';
import { runCommandText } from '../../commands/index.ts';
import { lookup, sectionSchema } from '../../commands/lookup.ts';
import type { RolesContext } from '../../commands/roles.ts';
import type { CommandResult, OnchainAccess } from '../../commands/types.ts';
import type { Config, IdentityConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../time.ts';
import { ALERT_BUTTON } from './alert-embeds.ts';
import { clickedMessage, reviewInteraction } from './review-interactions.ts';
import { autocompleteChoices, COMMAND_NAME, interactionText, type InteractionOption } from './command.ts';
import { NO_MENTIONS, parseSectionCustomId, renderDiscord, type DiscordMessage } from './embeds.ts';
import { discordRest } from './rest.ts';
import { requireDiscordSignature } from './verify.ts';
import { CHAT_BODY_LIMITS, limitBody } from '../http/body-limit.ts';
import { find } from '../../commands/find.ts';
import { FIND_PAGE_PREFIX, queryOfMessage } from './find-embeds.ts';
import { PAGE_BUTTON, pageLookup } from './page-component.ts';

export interface DiscordDeps {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
  log: Logger;
  discord: NonNullable<Config['discord']>;
  /** How long a command may take before the reply is deferred; Discord's whole budget is 3 s. */
  deferAfterMs?: number;
  /** The command runner; tests swap in a slow one. */
  run?: typeof runCommandText;
  /** Lookups ask it for fresh on-chain readings (a row; never a node call on the request path). */
  onchain?: OnchainAccess;
}

/** Interaction and callback types of the Discord API that this endpoint speaks. */
const INTERACTION = { ping: 1, command: 2, component: 3, autocomplete: 4, modalSubmit: 5 } as const;
const CALLBACK = { pong: 1, message: 4, deferredMessage: 5, deferredUpdate: 6, updateMessage: 7, autocompleteResult: 8 } as const;
const EPHEMERAL = 64;
const FOLLOW_UP_RETRY_MS = 500;

const optionSchema: z.ZodType<InteractionOption> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number().int(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(optionSchema).optional(),
    focused: z.boolean().optional(),
  }),
);

const idOnly = z.object({ id: z.string().min(1) });
const interactionSchema = z.object({
  id: z.string(),
  type: z.number().int(),
  token: z.string().default(''),
  channel_id: z.string().optional(),
  channel: idOnly.optional(),
  member: z.object({ user: idOnly, roles: z.array(z.string()).default([]) }).optional(),
  user: idOnly.optional(),
  data: z.object({ name: z.string().optional(), options: z.array(optionSchema).optional(), custom_id: z.string().optional() }).optional(),
  // Only what find's page buttons read back: the footer that holds the query.
  message: z.object({ embeds: z.array(z.object({ footer: z.object({ text: z.string().max(2048) }).optional() })).max(10).optional() }).optional(),
});
type Interaction = z.infer<typeof interactionSchema>;
const pingSchema = z.object({ type: z.literal(INTERACTION.ping) });

type Reply = { type: number; data?: Partial<DiscordMessage> & { flags?: number; allowed_mentions?: typeof NO_MENTIONS } };

/** Every message this endpoint answers with or edits in: nothing in it pings anyone. */
const message = (m: DiscordMessage, flags?: number) => ({ ...m, ...(flags === undefined ? {} : { flags }), allowed_mentions: NO_MENTIONS });

const FAILED: Extract<CommandResult, { kind: 'notice' }> = { kind: 'notice', ok: false, title: 'Something went wrong', lines: ['The error was logged. Try again in a moment.'] };

export function discordRoutes(deps: DiscordDeps): Hono {
  const { store, identity, clock, log, discord } = deps;
  const run = deps.run ?? runCommandText;
  const deferAfterMs = deps.deferAfterMs ?? 2000;
  const rest: REST = discordRest(discord);
  if (discord.botToken) rest.setToken(discord.botToken);

  async function contextOf(i: Interaction): Promise<RolesContext | null> {
    const userId = i.member?.user.id ?? i.user?.id;
    if (!userId) return null;
    // Outside a guild (no member) the interaction comes from the caller's DM with the bot.
    const who = { platform: 'discord' as const, userId, channelId: i.channel_id ?? i.channel?.id, roleIds: i.member?.roles, direct: !i.member };
    return chatContext({ store, identity, clock, onchain: deps.onchain }, who, discord.admins);
  }

  /**
   * Edits the deferred reply. Our deferral and this PATCH travel separately, so when the work ends just
   * after the deadline the PATCH can reach Discord first and meet "Unknown Message": one retry.
   */
  async function followUp(i: Interaction, m: DiscordMessage): Promise<void> {
    const patch = () => rest.patch(Routes.webhookMessage(discord.applicationId, i.token), { body: message(m), auth: false });
    try {
      await patch();
    } catch (error) {
      if (!(error instanceof DiscordAPIError && error.status === 404)) throw error;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_UP_RETRY_MS));
      await patch();
    }
  }

  /** The answer Discord gets now: the finished reply, or a deferral with the reply PATCHed when ready. */
  async function answer(i: Interaction, work: () => Promise<CommandResult>, kinds: { now: number; later: number; flags?: number }): Promise<Reply> {
    const rendered = work().then(renderDiscord, (error: unknown) => {
      log.error({ err: error, interaction: i.id }, 'discord command failed');
      return renderDiscord(FAILED);
    });
    const first = await within(rendered, deferAfterMs);
    if (first) return { type: kinds.now, data: message(first, kinds.flags) };
    void rendered.then((m) => followUp(i, m)).catch((error: unknown) => log.error({ err: error, interaction: i.id }, 'discord follow-up failed'));
    // A deferral may carry the ephemeral flag and nothing else; an update deferral carries nothing.
    return kinds.flags === undefined ? { type: kinds.later } : { type: kinds.later, data: { flags: kinds.flags } };
  }

  const app = new Hono();
  app.post(
    '/interactions',
    // The limit comes before the signature check, which has to read the whole body.
    limitBody(CHAT_BODY_LIMITS.discord),
    requireDiscordSignature(discord.publicKey, clock, (reason) => log.warn({ reason }, 'refused a Discord request')),
    async (c) => {
      const body: unknown = await c.req.json().catch(() => null);
      if (pingSchema.safeParse(body).success) return c.json({ type: CALLBACK.pong });
      const parsed = interactionSchema.safeParse(body);
      if (!parsed.success) return c.json({ code: 'invalid_interaction', message: 'not a Discord interaction' }, 400);
      const i = parsed.data;

      // Autocomplete is answered before anything else: it reads nothing and must be quick.
      if (i.type === INTERACTION.autocomplete) return c.json({ type: CALLBACK.autocompleteResult, data: { choices: autocompleteChoices(i.data?.options, clock().getTime()) } });

      const ctx = await contextOf(i);
      if (!ctx) return c.json({ code: 'invalid_interaction', message: 'interaction has no user' }, 400);

      if (i.type === INTERACTION.command) {
        if (i.data?.name !== COMMAND_NAME) {
          return c.json({ type: CALLBACK.message, data: message(renderDiscord({ ...FAILED, title: `Unknown command /${i.data?.name ?? ''}` }), EPHEMERAL) });
        }
        const text = interactionText(i.data.options);
        log.info({ interaction: i.id, user: ctx.caller.userId, subcommand: text.split(' ')[0] }, 'discord command');
        const reply = await answer(i, () => run(text, ctx), { now: CALLBACK.message, later: CALLBACK.deferredMessage, flags: EPHEMERAL });
        return c.json(reply);
      }

      const reviewed = await reviewInteraction(i.type, i.data?.custom_id, body, ctx);
      if (reviewed) return c.json(reviewed);
      if (i.type === INTERACTION.component && i.data?.custom_id?.startsWith(ALERT_BUTTON.open)) {
        // An alert's "Open profile": the card as a new ephemeral reply, so the alert itself stays.
        const unifiedId = i.data.custom_id.slice(ALERT_BUTTON.open.length);
        return c.json(await answer(i, () => lookup({ identifier: unifiedId, section: 'card' }, ctx), { now: CALLBACK.message, later: CALLBACK.deferredMessage, flags: EPHEMERAL }));
      }
      if (i.type === INTERACTION.component && i.data?.custom_id?.startsWith(PAGE_BUTTON)) {
        // A profile list's page: re-read as the clicker and shown in place of the message clicked.
        const page = pageLookup(i.data.custom_id);
        if ('refusal' in page) return c.json({ type: CALLBACK.message, data: message(renderDiscord(page.refusal), EPHEMERAL) });
        return c.json(await answer(i, () => lookup(page.input, ctx), { now: CALLBACK.updateMessage, later: CALLBACK.deferredUpdate }));
      }
      if (i.type === INTERACTION.component && i.data?.custom_id?.startsWith(FIND_PAGE_PREFIX)) {
        // find's Next/Previous: the query from the message's footer, the signed cursor from the button.
        const query = queryOfMessage(i.message);
        const cursor = i.data.custom_id.slice(FIND_PAGE_PREFIX.length);
        if (query === undefined) return c.json({ code: 'invalid_interaction', message: 'not a find page' }, 400);
        return c.json(await answer(i, () => find({ query, cursor }, ctx), { now: CALLBACK.updateMessage, later: CALLBACK.deferredUpdate }));
      }
      if (i.type === INTERACTION.component && i.data?.custom_id?.startsWith(ALERT_BUTTON.ack)) {
        const r = await acknowledge({ alertId: Number(i.data.custom_id.slice(ALERT_BUTTON.ack.length)), shownIn: clickedMessage(body) }, ctx);
        if (r.kind === 'not_found') return c.json({ code: 'invalid_interaction', message: 'unknown alert' }, 400);
        // The refusal is for the clicker alone; the acknowledged alert replaces the message everyone sees.
        if (r.kind !== 'alert') return c.json({ type: CALLBACK.message, data: message(renderDiscord(r), EPHEMERAL) });
        return c.json({ type: CALLBACK.updateMessage, data: message(renderDiscord(r)) });
      }

      if (i.type === INTERACTION.component) {
        // Buttons carry only the unified id and section; the lookup runs again as the clicker, so masking
        // and the audit row follow whoever clicked, not whoever ran the command.
        const button = parseSectionCustomId(i.data?.custom_id ?? '');
        const section = sectionSchema.safeParse(button?.section);
        if (!button || !section.success) return c.json({ code: 'invalid_interaction', message: 'unknown component' }, 400);
        const reply = await answer(i, () => lookup({ identifier: button.unifiedId, section: section.data }, ctx), {
          now: CALLBACK.updateMessage,
          later: CALLBACK.deferredUpdate,
        });
        return c.json(reply);
      }
      return c.json({ code: 'unsupported_interaction', message: `interaction type ${i.type} is not handled` }, 400);
    },
  );
  return app;
}
