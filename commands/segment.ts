import * as z from 'zod';
import { writeAudit } from '../src/access/audit.ts';
import { recomputeSegment } from '../src/audience/segment-recompute.ts';
import { canSeePersonalData } from '../src/access/mask.ts';
import {
  deleteSegment, insertSegment, listSegments, MAX_SEGMENTS, PERSONAL_SEGMENT_NOTE, SEGMENT_NAME, segmentNamed, segmentQuery, searchesPersonalFields, subscribeSegment, unsubscribeSegment, type SegmentTarget,
} from '../src/audience/segments.ts';
import { formatGmt8 } from '../src/time.ts';
import { QueryError } from './find-query.ts';
import { find, parseQuery } from './find.ts';
import { mayRunCompliance, notice, type CommandContext, type CommandResult, type UsageLine } from './types.ts';

export const SEGMENT_USAGE: readonly UsageLine[] = [
  { syntax: 'segment create <name> <filters…>', summary: 'save a find query as a segment (compliance, admin); name: a-z, 0-9, _ and -, up to 40' },
  { syntax: 'segment list · segment show <name>', summary: 'segments with their sizes; one segment, its query and its members' },
  { syntax: 'segment delete <name>', summary: 'remove a segment with its history (compliance, admin)' },
  { syntax: 'segment subscribe|unsubscribe <name> [#channel]', summary: 'be told once when customers enter or leave it (a channel: compliance, admin)' },
];

// Slack writes a channel as <#C123|name>, Discord as <#123>.
const CHANNEL = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i;
const ACTIONS = ['create', 'list', 'show', 'delete', 'subscribe', 'unsubscribe'] as const;

export type SegmentInput =
  | { action: 'list' }
  | { action: 'create'; name: string; filter: string[] }
  | { action: 'show'; name: string; cursor?: string }
  | { action: 'delete'; name: string }
  /** `platform` is the terminal's own way to name where a channel is (`--slack C123`); chat uses its own. */
  | { action: 'subscribe' | 'unsubscribe'; name: string; channel?: string; platform?: 'slack' | 'discord' };

class SegmentUsage extends Error {}

function checkName(name: string | undefined, action: string): string {
  if (!name) throw new SegmentUsage(`segment ${action} needs a segment name`);
  if (!SEGMENT_NAME.test(name.toLowerCase())) throw new SegmentUsage(`"${name.slice(0, 60)}" is not a segment name: 1 to 40 of a-z, 0-9, _ and -, starting with a letter or digit`);
  return name.toLowerCase();
}

/** Chat words to a SegmentInput; a problem becomes one line that names it. */
export function parseSegmentWords(words: string[]): SegmentInput {
  const [verb, name, ...rest] = words;
  const action = verb?.toLowerCase() as (typeof ACTIONS)[number];
  if (!ACTIONS.includes(action)) throw new SegmentUsage(verb ? `segment takes ${ACTIONS.join(', ')}, not "${verb.slice(0, 40)}"` : `segment takes ${ACTIONS.join(', ')}`);
  if (action === 'list') {
    if (name) throw new SegmentUsage('segment list takes nothing after it');
    return { action };
  }
  const n = checkName(name, action);
  if (action === 'create') {
    if (!rest.length) throw new SegmentUsage(`segment create ${n} needs filters, like: segment create ${n} kyc:pending risk:>=high`);
    return { action, name: n, filter: rest };
  }
  if (action === 'subscribe' || action === 'unsubscribe') {
    const [where, ...more] = rest;
    if (more.length || (where && !CHANNEL.test(where))) throw new SegmentUsage(`segment ${action} takes a segment name and optionally a #channel, not "${(more[0] ?? where)!.slice(0, 40)}"`);
    return { action, name: n, channel: where?.match(CHANNEL)?.[1] };
  }
  if (rest.length) throw new SegmentUsage(`segment ${action} takes only a segment name`);
  return action === 'show' ? { action, name: n } : { action, name: n };
}

export const segmentArgs = z.array(z.string()).transform((words): SegmentInput | { error: string } => {
  try {
    return parseSegmentWords(words);
  } catch (e) {
    if (e instanceof SegmentUsage) return { error: e.message };
    throw e;
  }
});

const usageError = (message: string): CommandResult => ({ kind: 'usage_error', message, usage: SEGMENT_USAGE });
const unknownSegment = (name: string) => usageError(`There is no segment named "${name}"; \`segment list\` shows the saved ones.`);
const describe = (t: SegmentTarget) => (t.target.startsWith('channel:') ? `<#${t.target.slice(8)}>` : 'your direct messages');

function targetOf(input: { channel?: string; platform?: 'slack' | 'discord' }, ctx: CommandContext): SegmentTarget | string {
  const { caller } = ctx;
  if (caller.platform === 'cli') {
    if (!input.channel || !input.platform) return 'From the terminal, name the channel: --slack <channel-id> or --discord <channel-id>.';
    return { platform: input.platform, target: `channel:${input.channel}` };
  }
  if (caller.platform !== 'slack' && caller.platform !== 'discord') return 'Segments are followed in Slack or Discord.';
  return { platform: caller.platform, target: input.channel ? `channel:${input.channel}` : `user:${caller.userId}` };
}

/** `segment …`: saved find queries, their members, and who hears when those change (SPEC §8). */
export async function segment(input: SegmentInput | { error: string }, ctx: CommandContext): Promise<CommandResult> {
  if ('error' in input) return usageError(input.error);
  const { store, caller } = ctx;
  const now = ctx.clock().getTime();
  const audit = (command: string, name: string) =>
    writeAudit(store, { at: now, platform: caller.platform, callerId: caller.userId, channelId: caller.channelId, command, identifierType: 'segment', identifier: name, unifiedId: null });
  if (input.action === 'list') {
    const all = await listSegments(store.db);
    if (!all.length) return notice(true, 'No segments yet', 'Make one with: segment create <name> <filters…>, like segment create whales volume:>10000');
    // A segment matched on names, emails and phones has a size only for those who may search them.
    const sized = (s: (typeof all)[number]) => canSeePersonalData(caller.role) || !searchesPersonalFields(segmentQuery(s));
    return notice(true, `Segments (${all.length})`, ...all.map((s) =>
      sized(s) ? `${s.name}: ${s.size.toLocaleString('en-US')} customer(s) · ${s.query}${s.computedAt ? ` · as of ${formatGmt8(s.computedAt)}` : ''}` : `${s.name}: size not shown (${PERSONAL_SEGMENT_NOTE}) · ${s.query}`));
  }
  if (input.action === 'create') {
    if (!mayRunCompliance(caller)) return notice(false, 'Only compliance and admin roles can create segments', `Your role is ${caller.role}.`);
    let query;
    try {
      query = parseQuery(input.filter);
    } catch (e) {
      if (e instanceof QueryError) return usageError(`segment ${input.name}: ${e.message}`);
      throw e;
    }
    // A segment of segments would read its own members while recomputing them.
    if (query.filters.some((f) => f.kind === 'segment')) return usageError('a segment cannot be defined with segment: filters; write out their filters instead');
    if ((await listSegments(store.db)).length >= MAX_SEGMENTS) return usageError(`there are already ${MAX_SEGMENTS} segments; delete one first`);
    const made = await insertSegment(store, { name: input.name, query, by: caller.userId, now });
    if (!made) return usageError(`a segment named "${input.name}" already exists; \`segment show ${input.name}\` shows it`);
    await audit('segment:create', input.name);
    const r = await recomputeSegment(store, made, now);
    return notice(true, `Segment "${made.name}" saved: ${r.size.toLocaleString('en-US')} customer(s)`, `Query: ${made.query}`, 'Membership is recomputed every minute; `segment subscribe` tells you when customers enter or leave.');
  }
  const s = await segmentNamed(store.db, input.name);
  if (!s) return unknownSegment(input.name);
  if (input.action === 'show') {
    const r = await find({ query: `segment:${s.name}`, cursor: input.cursor }, ctx);
    if (r.kind !== 'find') return r;
    // A viewer's list is their own search of the segment's query (find); its stored size is not theirs to see.
    const size = canSeePersonalData(caller.role) || !searchesPersonalFields(segmentQuery(s))
      ? `${s.size.toLocaleString('en-US')} customer(s)${s.computedAt ? ` as of ${formatGmt8(s.computedAt)}` : ''}` : `Its saved size is not shown: ${PERSONAL_SEGMENT_NOTE}`;
    return { ...r, notes: [`Segment "${s.name}": ${s.query}`, `${size}, made by ${s.createdBy}`, ...r.notes] };
  }
  if (input.action === 'delete') {
    if (!mayRunCompliance(caller)) return notice(false, 'Only compliance and admin roles can delete segments', `Your role is ${caller.role}.`);
    await deleteSegment(store, s.name);
    await audit('segment:delete', s.name);
    return notice(true, `Segment "${s.name}" deleted`, 'Its members, history and subscriptions are gone.');
  }
  const target = targetOf(input, ctx);
  if (typeof target === 'string') return notice(false, 'Where should segment changes go?', target);
  if (target.target.startsWith('channel:') && !mayRunCompliance(caller)) return notice(false, 'Only compliance and admin roles can subscribe a channel to a segment', `Your role is ${caller.role}; subscribe your direct messages instead (without #channel).`);
  if (input.action === 'subscribe' && searchesPersonalFields(segmentQuery(s))) {
    // Its changes name customers matched on names and emails: no channel hears them, nor a role that may not search those.
    if (target.target.startsWith('channel:')) return notice(false, `"${s.name}" cannot be followed in a channel`, `Channels get no personal data: ${PERSONAL_SEGMENT_NOTE}.`, 'Subscribe your direct messages instead (without #channel).');
    if (!canSeePersonalData(caller.role)) return notice(false, `"${s.name}" cannot be followed with your role`, `Your role is ${caller.role}: ${PERSONAL_SEGMENT_NOTE}.`);
  }
  if (input.action === 'subscribe') {
    const fresh = await subscribeSegment(store, s.id, target, caller.userId, now);
    return notice(true, fresh ? `Changes to "${s.name}" will go to ${describe(target)}` : `${describe(target)} already follows "${s.name}"`, 'One message per change: how many entered and left, with unified IDs only.');
  }
  const gone = await unsubscribeSegment(store, s.id, target);
  return notice(gone, gone ? `${describe(target)} no longer follows "${s.name}"` : `${describe(target)} did not follow "${s.name}"`);
}
