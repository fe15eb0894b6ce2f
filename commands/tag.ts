import { and, eq, inArray, sql } from 'drizzle-orm';
import * as z from 'zod';
import { customers, labels } from '../db/schema/index.ts';
import { writeAuditIn } from '../src/access/audit.ts';
import { IdentifierError } from '../src/identity/normalize.ts';
import { findCustomer } from '../src/profile/find.ts';
import { mayRunCompliance, notice, type CommandContext, type CommandResult, type UsageLine } from './types.ts';

export const TAG_USAGE: readonly UsageLine[] = [
  { syntax: 'tag <identifier> +tag -tag …', summary: 'add (+) and remove (-) tags of a customer (compliance, admin; audited); a tag is 1 to 80 letters, digits, _ - . :' },
];
// The ingest API takes any 80 characters; a tag typed in chat is kept to what reads well as a word and a filter (`tag:vip`).
const TAG = /^[\p{L}\p{N}_.:-]{1,80}$/u;
const MAX_CHANGES = 20;

export interface TagInput {
  identifier: string;
  add: string[];
  remove: string[];
}

export const tagArgs = z.array(z.string()).transform((words, ctx): TagInput => {
  const [identifier, ...ops] = words;
  const fail = (message: string) => (ctx.addIssue({ code: 'custom', message }), z.NEVER);
  if (!identifier || !ops.length) return fail('tag takes an identifier and then +tag or -tag, like: tag alice@example.com +vip -churn');
  if (ops.length > MAX_CHANGES) return fail(`tag takes at most ${MAX_CHANGES} changes at once`);
  const add: string[] = [];
  const remove: string[] = [];
  for (const op of ops) {
    const sign = op[0];
    const tag = op.slice(1);
    if ((sign !== '+' && sign !== '-') || !TAG.test(tag)) return fail(`"${op.slice(0, 90)}" is not a tag change: write +tag to add or -tag to remove; a tag is 1 to 80 letters, digits, _ - . :`);
    (sign === '+' ? add : remove).push(tag);
  }
  const both = add.find((t) => remove.some((r) => r.toLowerCase() === t.toLowerCase()));
  if (both) return fail(`"${both}" is both added and removed`);
  return { identifier, add, remove };
});

/**
 * `tag <identifier> +a -b`: tags from chat (SPEC §8). Added tags go on the unified customer; a removed
 * tag leaves every customer merged into it, in any case spelling, since the profile shows their union.
 * The change and its audit row commit together.
 */
export async function tag(input: TagInput, ctx: CommandContext): Promise<CommandResult> {
  const { store, caller } = ctx;
  if (!mayRunCompliance(caller)) return notice(false, 'Only compliance and admin roles can change tags', `Your role is ${caller.role}.`);
  let found;
  try {
    found = await findCustomer(store, input.identifier, ctx.identity);
  } catch (e) {
    if (e instanceof IdentifierError) return { kind: 'usage_error', message: e.message, usage: TAG_USAGE };
    throw e;
  }
  const { detected, unifiedId } = found;
  if (!unifiedId) return { kind: 'not_found', query: detected.value, message: `No customer found for ${detected.type.replace('_', ' ')} ${detected.value}.` };
  const now = ctx.clock().getTime();
  const tags = await store.write(async (tx) => {
    const group = (await tx.select({ id: customers.id }).from(customers).where(eq(customers.rootId, unifiedId))).map((c) => c.id);
    if (input.remove.length) {
      await tx.delete(labels).where(and(inArray(labels.customerId, group), eq(labels.kind, 'tag'), inArray(sql`lower(${labels.value})`, input.remove.map((t) => t.toLowerCase()))));
    }
    if (input.add.length) await tx.insert(labels).values(input.add.map((value) => ({ customerId: unifiedId, kind: 'tag' as const, value }))).onConflictDoNothing();
    const changes = [...input.add.map((t) => `+${t}`), ...input.remove.map((t) => `-${t}`)].join(' ');
    await writeAuditIn(tx, { at: now, platform: caller.platform, callerId: caller.userId, channelId: caller.channelId, command: `tag ${changes}`.slice(0, 300), identifierType: detected.type, identifier: detected.value, unifiedId });
    const rows = await tx.selectDistinct({ value: labels.value }).from(labels).where(and(inArray(labels.customerId, group), eq(labels.kind, 'tag'))).orderBy(labels.value);
    return rows.map((r) => r.value);
  });
  return notice(true, `Tags of ${unifiedId}`, tags.length ? tags.join(', ') : '(none)');
}
