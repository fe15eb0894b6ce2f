import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import type { Tx } from '../../db/client.ts';
import { customers, identifiers, identityConflicts, merges, wallets, type ConflictKind } from '../../db/schema/index.ts';
import type { IdentityConfig } from '../config.ts';
import { FALLBACK_IDENTIFIER_LIMIT } from '../config.ts';
import type { LinkedIdentifier } from './collect.ts';
import { IDENTIFIER_TYPES } from './normalize.ts';

export const MAX_MERGES_PER_CUSTOMER = 100;

export interface ResolveContext {
  cfg: IdentityConfig;
  at: number;
  now: number;
  actor: string;
  record?: { type: string; id?: string };
}

export interface Resolution {
  /** The customer the record's facts are filed under; it keeps them through a later split. */
  customerId: string;
  unifiedId: string;
}

export const newUnifiedId = () => `u_${ulid()}`;

const limitFor = (cfg: IdentityConfig, type: string) => cfg.limits[type] ?? FALLBACK_IDENTIFIER_LIMIT;

/**
 * Links a record's identifiers to one customer, merging customers the record proves to be one person
 * unless a guard of SPEC §1 forbids it. Runs inside the caller's write transaction.
 */
export async function resolveIdentity(tx: Tx, ids: LinkedIdentifier[], ctx: ResolveContext): Promise<Resolution | null> {
  if (ids.length === 0) return null;
  const existing = await tx
    .select({ type: identifiers.type, value: identifiers.value, customerId: identifiers.customerId, rootId: customers.rootId })
    .from(identifiers)
    .innerJoin(customers, eq(customers.id, identifiers.customerId))
    .where(inArray(identifiers.value, [...new Set(ids.map((i) => i.value))]));
  const owned = new Map(existing.filter((e) => ids.some((i) => i.type === e.type && i.value === e.value)).map((e) => [`${e.type}:${e.value}`, e]));

  let primary: string;
  const roots = [...new Set([...owned.values()].map((o) => o.rootId))];
  if (roots.length === 0) {
    primary = newUnifiedId();
    await tx.insert(customers).values({ id: primary, rootId: primary, createdAt: ctx.now, firstSeenAt: ctx.at, lastActivityAt: ctx.at });
  } else {
    const ordered = await tx.select({ id: customers.id }).from(customers).where(inArray(customers.id, roots)).orderBy(customers.createdAt, customers.id);
    primary = ordered[0]!.id;
    for (const { id: other } of ordered.slice(1)) {
      const refusal = await mergeRefusal(tx, primary, other, ctx.cfg);
      if (refusal) await recordConflict(tx, ctx, refusal.kind, [primary, other], refusal.detail);
      else await merge(tx, primary, other, ctx);
    }
  }

  const group = await groupOf(tx, primary);
  const counts = await identifierCounts(tx, group);
  for (const id of ids) {
    if (owned.has(`${id.type}:${id.value}`)) continue;
    const count = counts.get(id.type) ?? 0;
    if (count >= limitFor(ctx.cfg, id.type)) {
      await recordConflict(tx, ctx, 'limit', [primary], `${primary} already holds ${count} ${id.type} value(s), the limit`, id);
      continue;
    }
    counts.set(id.type, count + 1);
    await tx.insert(identifiers).values({ customerId: primary, type: id.type, value: id.value, createdAt: ctx.now });
    owned.set(`${id.type}:${id.value}`, { type: id.type, value: id.value, customerId: primary, rootId: primary });
  }

  const mine = [...owned.values()].filter((o) => group.includes(o.customerId));
  const byPriority = (t: string) => IDENTIFIER_TYPES.indexOf(t as never);
  mine.sort((a, b) => byPriority(a.type) - byPriority(b.type));
  const customerId = mine[0]?.customerId ?? primary;

  for (const id of ids) {
    const o = owned.get(`${id.type}:${id.value}`);
    if (!id.wallet || !o || !group.includes(o.customerId)) continue;
    await tx
      .insert(wallets)
      .values({ customerId: o.customerId, chain: id.wallet.chain, address: id.wallet.address, firstSeenAt: ctx.at })
      .onConflictDoNothing();
  }
  await tx
    .update(customers)
    .set({
      firstSeenAt: sql`min(${customers.firstSeenAt}, ${ctx.at})`,
      lastActivityAt: sql`max(${customers.lastActivityAt}, ${ctx.at})`,
    })
    .where(eq(customers.id, customerId));
  return { customerId, unifiedId: primary };
}

export async function rootOf(tx: Tx, customerId: string): Promise<string | undefined> {
  const [row] = await tx.select({ rootId: customers.rootId }).from(customers).where(eq(customers.id, customerId));
  return row?.rootId;
}

export async function groupOf(tx: Tx, rootId: string): Promise<string[]> {
  const rows = await tx.select({ id: customers.id }).from(customers).where(eq(customers.rootId, rootId));
  return rows.map((r) => r.id);
}

async function identifierCounts(tx: Tx, group: string[]): Promise<Map<string, number>> {
  const rows = await tx
    .select({ type: identifiers.type, n: sql<number>`count(*)` })
    .from(identifiers)
    .where(inArray(identifiers.customerId, group))
    .groupBy(identifiers.type);
  return new Map(rows.map((r) => [r.type, r.n]));
}

async function mergeRefusal(tx: Tx, keep: string, fold: string, cfg: IdentityConfig): Promise<{ kind: ConflictKind; detail: string } | null> {
  const [a, b] = await Promise.all([groupOf(tx, keep), groupOf(tx, fold)]);
  const wasSplit = await tx
    .select({ id: merges.id })
    .from(merges)
    .where(
      and(
        isNotNull(merges.splitAt),
        or(and(inArray(merges.winnerId, a), inArray(merges.loserId, b)), and(inArray(merges.winnerId, b), inArray(merges.loserId, a))),
      ),
    )
    .limit(1);
  if (wasSplit.length) return { kind: 'split_pair', detail: `${fold} was split from ${keep} by a person; not merging them again automatically` };
  const [ca, cb] = await Promise.all([identifierCounts(tx, a), identifierCounts(tx, b)]);
  if (ca.get('external_id') && cb.get('external_id')) {
    return { kind: 'external_id', detail: `${keep} and ${fold} each hold a different external_id` };
  }
  for (const [type, n] of cb) {
    const total = n + (ca.get(type) ?? 0);
    if (total > limitFor(cfg, type)) return { kind: 'limit', detail: `merging would give ${total} ${type} values, above the limit of ${limitFor(cfg, type)}` };
  }
  if (a.length + b.length - 1 > MAX_MERGES_PER_CUSTOMER) {
    return { kind: 'merge_cap', detail: `merging would exceed ${MAX_MERGES_PER_CUSTOMER} merges for ${keep}` };
  }
  return null;
}

async function merge(tx: Tx, keep: string, fold: string, ctx: ResolveContext): Promise<void> {
  await tx.update(customers).set({ rootId: keep }).where(eq(customers.rootId, fold));
  await tx.update(customers).set({ parentId: keep }).where(eq(customers.id, fold));
  await tx.insert(merges).values({ winnerId: keep, loserId: fold, recordType: ctx.record?.type, recordId: ctx.record?.id, actor: ctx.actor, createdAt: ctx.now });
}

async function recordConflict(tx: Tx, ctx: ResolveContext, kind: ConflictKind, customerIds: string[], detail: string, id?: LinkedIdentifier) {
  await tx.insert(identityConflicts).values({
    kind,
    customerIds,
    detail,
    identifierType: id?.type,
    identifierValue: id?.value,
    recordType: ctx.record?.type,
    recordId: ctx.record?.id,
    createdAt: ctx.now,
  });
}
