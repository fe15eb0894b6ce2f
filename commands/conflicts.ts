import * as z from 'zod';
import { maskIdentifier } from '../src/access/mask.ts';
import { countConflicts, listConflicts } from '../src/identity/conflicts.ts';
import { reviewConflict, type ReviewOutcome } from '../src/identity/conflict-review.ts';
import { AppError } from '../src/errors.ts';
import { identifierLabel } from '../src/render/format.ts';
import { formatGmt8 } from '../src/time.ts';
import { parseNote } from './note.ts';
import type { CommandContext, CommandResult } from './types.ts';

export const CONFLICT_LABEL: Record<string, string> = { limit: 'over the identifier limit', external_id: 'two external ids', split_pair: 'split by a person', merge_cap: 'too many merges' };

/** One conflict as every platform shows it; the identifier is masked (as the terminal always showed it). */
export interface ConflictRow {
  id: number;
  kind: string;
  label: string;
  at: string;
  customerIds: string[];
  identifier: string | null;
  detail: string;
  record: string | null;
  /** `by` as stored: `<platform>:<user id>`; `note` is a person's text (data) */
  resolution: { decision: 'approved' | 'dismissed'; by: string; at: string; note: string | null } | null;
}

export interface ConflictsResult {
  kind: 'conflicts';
  rows: ConflictRow[];
  /** what the decision just taken did (or why it did nothing) */
  outcome?: { ok: boolean; text: string };
  /** the chat list holds at most this many rows, each with its buttons */
  more: number;
}

const id = z.string().regex(/^#?\d{1,12}$/, 'a conflict id is a number, like 12 (see /user360 conflicts)').transform((s) => Number(s.replace('#', '')));
export const conflictsArgs = z.array(z.string()).transform((words, ctx) => {
  const [action = 'list', target, ...rest] = words;
  const a = action.toLowerCase();
  if (a === 'list' || a === 'all') return { action: 'list' as const, all: a === 'all' || target === 'all' };
  if (a !== 'approve' && a !== 'dismiss') {
    ctx.addIssue({ code: 'custom', message: `conflicts takes list, all, approve <id> or dismiss <id> [reason], not "${action}"` });
    return z.NEVER;
  }
  const parsed = id.safeParse(target ?? '');
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]!.message });
    return z.NEVER;
  }
  if (a === 'approve' && rest.length) {
    ctx.addIssue({ code: 'custom', message: 'approve takes only the conflict id' });
    return z.NEVER;
  }
  return { action: a as 'approve' | 'dismiss', id: parsed.data, reason: rest.length ? rest.join(' ') : undefined };
});
export type ConflictsInput = z.infer<typeof conflictsArgs>;

/** How many conflicts a chat list shows with buttons (Discord allows five rows of buttons a message). */
export const CHAT_CONFLICTS = 5;

function rowOf(c: Awaited<ReturnType<typeof listConflicts>>[number]): ConflictRow {
  return {
    id: c.id,
    kind: c.kind,
    label: CONFLICT_LABEL[c.kind] ?? c.kind,
    at: formatGmt8(c.createdAt),
    customerIds: c.customerIds,
    identifier: c.identifierType ? `${identifierLabel(c.identifierType)} ${maskIdentifier(c.identifierType, c.identifierValue ?? '')}` : null,
    detail: c.detail,
    record: c.recordId ? `${c.recordType} ${c.recordId}` : null,
    resolution: c.resolution && c.resolvedAt ? { decision: c.resolution, by: c.resolvedBy ?? 'unknown', at: formatGmt8(c.resolvedAt), note: c.resolutionNote } : null,
  };
}

function outcomeText(o: ReviewOutcome): { ok: boolean; text: string } {
  const c = o.conflict;
  if (o.done === 'already') {
    return { ok: false, text: `Conflict #${c.id} was already ${c.resolution ?? 'resolved'}${c.resolvedBy ? ` by ${c.resolvedBy}` : ''}${c.resolvedAt ? ` at ${formatGmt8(c.resolvedAt)}` : ''}; nothing changed.` };
  }
  if (o.done === 'dismissed') return { ok: true, text: `Dismissed conflict #${c.id}; nothing was merged.` };
  if (o.merged && o.linked) {
    return { ok: true, text: `Approved conflict #${c.id}: ${o.merged.fold} had taken the wallet since; merged ${o.merged.fold} into ${o.merged.keep}, which holds it now. Undo with: npx user360 split ${o.merged.fold}` };
  }
  if (o.merged) {
    return o.merged.keep === o.merged.fold
      ? { ok: true, text: `Approved conflict #${c.id}: the customers are one customer already (${o.merged.keep}); nothing more to merge.` }
      : { ok: true, text: `Approved conflict #${c.id}: merged ${o.merged.fold} into ${o.merged.keep}. Undo with: npx user360 split ${o.merged.fold}` };
  }
  return { ok: true, text: `Approved conflict #${c.id}: ${o.linked!.already ? 'the identifier was linked already' : 'the identifier is linked'} to ${o.linked!.unifiedId}.` };
}

/** The role check both chat adapters run before they open the dismiss form: a refusal, or null. */
export function conflictsGate(ctx: CommandContext): CommandResult | null {
  const { caller } = ctx;
  if (caller.role === 'admin' && caller.platform !== 'api') return null;
  return { kind: 'notice', ok: false, title: 'Only admins review identity conflicts', lines: [`Your role is ${caller.role}.`] };
}

/**
 * The review of what the identity guards refused: a list, and approve (the merge or link is made, by
 * the ingest's own path) or dismiss (recorded with a reason). Admins only, on every platform; the
 * terminal is the operator's and runs as admin.
 */
export async function conflicts(input: ConflictsInput, ctx: CommandContext): Promise<CommandResult> {
  const { caller } = ctx;
  const refused = conflictsGate(ctx);
  if (refused) return refused;
  const chat = caller.platform === 'slack' || caller.platform === 'discord';
  let outcome: ConflictsResult['outcome'];
  if (input.action !== 'list') {
    let note: string | undefined;
    if (input.reason !== undefined) {
      const parsed = parseNote(input.reason, 'The reason is empty: say why these are not to be merged.');
      if ('error' in parsed) return { kind: 'notice', ok: false, title: `Conflict #${input.id} was not dismissed`, lines: [parsed.error] };
      note = parsed.note;
    }
    try {
      const by = { platform: caller.platform as 'slack' | 'discord' | 'cli', userId: caller.userId, channelId: caller.channelId };
      const decision = input.action === 'approve' ? 'approved' : 'dismissed';
      outcome = outcomeText(await reviewConflict(ctx.store, ctx.identity, { id: input.id, decision, note, by, now: ctx.clock().getTime() }));
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      outcome = { ok: false, text: `Conflict #${input.id} is unchanged: ${e.message}` };
    }
  }
  const all = input.action === 'list' && input.all;
  const rows = (await listConflicts(ctx.store.db, { all, limit: chat ? CHAT_CONFLICTS + 1 : 200 })).map(rowOf);
  const shown = chat ? rows.slice(0, CHAT_CONFLICTS) : rows;
  const more = chat && rows.length > CHAT_CONFLICTS ? (await countConflicts(ctx.store.db, { all })) - CHAT_CONFLICTS : 0;
  return { kind: 'conflicts', rows: shown, outcome, more };
}
