import * as z from 'zod';
import { writeAudit } from '../src/access/audit.ts';
import { canSeePersonalData, maskEmail, maskName, maskPhone } from '../src/access/mask.ts';
import { decodeCursor, encodeCursor, searchFingerprint } from '../src/audience/cursor.ts';
import { audienceRows, type AudienceRow } from '../src/audience/rows.ts';
import { searchPage } from '../src/audience/search.ts';
import { savedSegmentQueries, searchesPersonalFields } from '../src/audience/segments.ts';
import { FIND_USAGE, parseFindQuery, QueryError, type AudienceQuery } from './find-query.ts';
import type { CommandContext, CommandResult } from './types.ts';

export const FIND_PAGE_SIZE = 10;
export const FIND_USAGE_LINES = [{ syntax: 'find [words] [filters]', summary: FIND_USAGE.slice('find [words] [filters]: '.length) }];

/** Builds the find indexes once for a database that held customers before they existed. */
export { backfillAudienceIndex as ensureFindIndexes } from '../src/audience/backfill.ts';

export interface FindInput {
  /** The words after `find`, as tokenised; or the whole query text (`?q=`). */
  query: string[] | string;
  cursor?: string;
}

export interface FindResult {
  kind: 'find';
  /** The query in canonical spelling, for Next/Previous and for the reply's title. */
  query: string;
  rows: AudienceRow[];
  total: number;
  offset: number;
  pageSize: number;
  nextCursor: string | null;
  prevCursor: string | null;
  masked: boolean;
  /** Said with the results: e.g. that a viewer's words did not search names, emails and phones. */
  notes: string[];
}

export const findArgs = z.array(z.string()).transform((query): FindInput => ({ query }));

/** The one grammar over words or a whole query text; throws QueryError naming what is wrong. */
export function parseQuery(query: string[] | string): AudienceQuery {
  const words = typeof query === 'string' ? tokenizeQuery(query) : query;
  return parseFindQuery(words);
}

/** The same word splitting as chat, for `?q=` and segment queries. */
export function tokenizeQuery(text: string): string[] {
  return [...text.matchAll(/<[^>]*>|"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[0]);
}

/**
 * A segment's stored members were matched as the service, names, emails and phones included, so a
 * caller who may not search those would search them through `segment:`. For such a caller a segment
 * with words runs as its own query instead: its words join the caller's (held to external ids, wallets
 * and unified ids like theirs) and its filters join the filters. Segments without words keep their
 * members; segments never contain `segment:` (segment create refuses it).
 */
function publicSegmentWords(q: AudienceQuery, saved: Map<string, AudienceQuery>): AudienceQuery {
  const words = [...q.words];
  const filters = q.filters.flatMap((f) => {
    const s = f.kind === 'segment' ? saved.get(f.name) : undefined;
    if (!s || !searchesPersonalFields(s)) return [f];
    words.push(...s.words);
    return s.filters;
  });
  return { ...q, words, filters };
}

function mask(r: AudienceRow): AudienceRow {
  return { ...r, name: r.name && maskName(r.name), email: r.email && maskEmail(r.email), phone: r.phone && maskPhone(r.phone) };
}

/**
 * `find [words] [filters]`: unified customers matching SPEC §8's grammar, ten a page, by 30-day volume.
 * Callers who may not see personal data get it masked, and their words never match a name, email or
 * phone.
 */
export async function find(input: FindInput, ctx: CommandContext): Promise<CommandResult> {
  const { store, caller } = ctx;
  const now = ctx.clock().getTime();
  let q: AudienceQuery;
  try {
    q = parseQuery(input.query);
  } catch (e) {
    if (e instanceof QueryError) return { kind: 'usage_error', message: e.message, usage: FIND_USAGE_LINES };
    throw e;
  }
  // A segment that does not exist is named, not searched as an empty set.
  const named = q.filters.flatMap((f) => (f.kind === 'segment' ? [f.name] : []));
  const saved = await savedSegmentQueries(store.db, named);
  const unknown = named.find((n) => !saved.has(n));
  if (unknown) return { kind: 'usage_error', message: `There is no segment named "${unknown}"; \`segment list\` shows the saved ones.`, usage: FIND_USAGE_LINES };
  const personal = canSeePersonalData(caller.role);
  const searched = personal ? q : publicSegmentWords(q, saved);
  const fingerprint = searchFingerprint(q.text, personal);
  let offset = 0;
  if (input.cursor) {
    const c = await decodeCursor(store, now, fingerprint, input.cursor);
    if ('error' in c) return { kind: 'usage_error', message: c.error, usage: [] };
    offset = c.offset;
  }
  const { total, ranked } = await searchPage(store, searched, { now, personal, upTo: offset + FIND_PAGE_SIZE });
  if (offset > 0 && offset >= total) {
    const pages = Math.max(1, Math.ceil(total / FIND_PAGE_SIZE));
    return { kind: 'usage_error', message: `That page is past the end: this search has ${total} customer(s), ${pages} page(s) of ${FIND_PAGE_SIZE}.`, usage: [] };
  }
  const page = ranked.slice(offset, offset + FIND_PAGE_SIZE);
  const rows = await audienceRows(store, page, now);
  await writeAudit(store, {
    at: now, platform: caller.platform, callerId: caller.userId, channelId: caller.channelId, command: 'find',
    identifierType: 'query', identifier: personal || q.words.length === 0 ? q.text : null, unifiedId: null,
  });
  const notes = !personal && searched.words.length ? ['Your role does not see personal data, so words matched external ids, wallets and unified ids only, not names, emails or phone numbers.'] : [];
  return {
    kind: 'find',
    query: q.text,
    rows: personal ? rows : rows.map(mask),
    total,
    offset,
    pageSize: FIND_PAGE_SIZE,
    nextCursor: offset + FIND_PAGE_SIZE < total ? await encodeCursor(store, now, fingerprint, offset + FIND_PAGE_SIZE) : null,
    prevCursor: offset > 0 ? await encodeCursor(store, now, fingerprint, Math.max(0, offset - FIND_PAGE_SIZE)) : null,
    masked: !personal,
    notes,
  };
}
