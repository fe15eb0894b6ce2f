import { and, eq, getTableName, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { encodeTime } from 'ulid';
import { insertMany, type Tx } from '../../db/client.ts';
import { customers, identifiers, identityConflicts, merges, type ConflictKind } from '../../db/schema/index.ts';
import { columnsOf } from '../../db/sql-names.ts';
import type { IdentityConfig } from '../config.ts';
import { FALLBACK_IDENTIFIER_LIMIT } from '../config.ts';
import type { LinkedIdentifier } from './collect.ts';
import { IDENTIFIER_TYPES } from './normalize.ts';
import { AppError } from '../errors.ts';

export const MAX_MERGES_PER_CUSTOMER = 100;

export interface RecordRef {
  at: number;
  record?: { type: string; id?: string };
  /** A transfer the indexer read from a chain (its activity can be taken back out by a reorg). */
  indexed?: boolean;
}

export interface Resolution {
  /** The customer the record's facts are filed under; it keeps them through a later split. */
  customerId: string;
  unifiedId: string;
}

interface Owner {
  customerId: string;
  rootId: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let pool = randomBytes(0);
let used = 0;
let last = { time: 0, random: [] as number[] };
/**
 * `u_` + a monotonic ULID: ids made later sort later, even within one millisecond, so "the older
 * customer" is well defined. The random part comes from a pooled buffer: the ulid package draws from
 * the OS once per character, which dominated the cost of creating customers in bulk.
 */
export function newUnifiedId(now = Date.now()): string {
  let random: number[];
  if (now <= last.time) {
    random = [...last.random];
    for (let i = 15; i >= 0 && ++random[i]! === 32; i--) random[i] = 0;
    now = last.time;
  } else {
    if (used + 16 > pool.length) (pool = randomBytes(4096)), (used = 0);
    random = Array.from({ length: 16 }, () => pool[used++]! & 31);
    // Leave headroom so a burst within one millisecond cannot overflow the random part.
    random[0]! &= 15;
  }
  last = { time: now, random };
  return `u_${encodeTime(now, 10)}${random.map((d) => CROCKFORD[d]).join('')}`;
}
const keyOf = (id: { type: string; value: string }) => `${id.type}\u0000${id.value}`;
// Raw because it runs once per batch on the ingest path; names come from the drizzle tables (db/sql-names.ts).
const [I_TYPE, I_VALUE, I_CUSTOMER] = columnsOf(identifiers, ['type', 'value', 'customerId']) as [string, string, string];
const [C_ID, C_ROOT] = columnsOf(customers, ['id', 'rootId']) as [string, string];
const PRELOAD = `
  SELECT i.${I_TYPE} AS type, i.${I_VALUE} AS value, i.${I_CUSTOMER} AS customer_id, c.${C_ROOT} AS root_id
  FROM json_each(?) AS j
  JOIN ${getTableName(identifiers)} AS i ON i.${I_TYPE} = j.value ->> 0 AND i.${I_VALUE} = j.value ->> 1
  JOIN ${getTableName(customers)} AS c ON c.${C_ID} = i.${I_CUSTOMER}`;
const priority = (type: string) => IDENTIFIER_TYPES.indexOf(type as never);

/**
 * Links records' identifiers to customers inside one write transaction, merging customers a record
 * proves to be one person unless a guard of SPEC §1 forbids it. It keeps every identifier of the batch
 * it has seen in `owners`, so records about known customers (most of them) cost no query at all.
 */
export class IdentityResolver {
  private readonly owners = new Map<string, Owner>();
  // New customers and identifiers wait here and go in with a few multi-row statements; anything that
  // reads or updates those tables first calls flush(), so the database is never seen half-written.
  private newCustomers: unknown[][] = [];
  private newIdentifiers: unknown[][] = [];

  constructor(
    private readonly tx: Tx,
    private readonly cfg: IdentityConfig,
    private readonly now: number,
    private readonly actor: string,
    /** Wraps every merge, so the caller can compare what the two customers were before and after. */
    private readonly aroundMerge?: (keep: string, fold: string, ref: RecordRef, merge: () => Promise<void>) => Promise<void>,
  ) {}

  /**
   * Loads the current owner of every identifier the batch mentions. The (type, value) pairs go in as
   * one JSON parameter, so the statement is the same for every batch (prepared once) and each pair is
   * one probe of the unique index; `value IN (…)` alone cannot use that index and scanned the table.
   */
  async preload(ids: LinkedIdentifier[]): Promise<void> {
    const pairs = [...new Map(ids.map((i) => [keyOf(i), [i.type, i.value]])).values()];
    for (let i = 0; i < pairs.length; i += 5000) {
      const { rows } = await this.tx.$client.execute({ sql: PRELOAD, args: [JSON.stringify(pairs.slice(i, i + 5000))] });
      for (const r of rows as unknown as { type: string; value: string; customer_id: string; root_id: string }[]) {
        this.owners.set(keyOf(r), { customerId: r.customer_id, rootId: r.root_id });
      }
    }
  }

  ownerOf(id: LinkedIdentifier): Owner | undefined {
    return this.owners.get(keyOf(id));
  }

  async resolve(ids: LinkedIdentifier[], ref: RecordRef): Promise<Resolution | null> {
    if (ids.length === 0) return null;
    const known = ids.flatMap((id) => {
      const o = this.owners.get(keyOf(id));
      return o ? [{ id, ...o }] : [];
    });
    const roots = [...new Set(known.map((k) => k.rootId))];

    let primary: string;
    if (roots.length === 0) {
      primary = newUnifiedId(this.now);
      this.newCustomers.push([primary, primary, this.now, ref.at, ref.at, ref.indexed ? null : ref.at, ref.indexed ? null : ref.at]);
    } else if (roots.length === 1) {
      primary = roots[0]!;
    } else {
      await this.flush();
      const ordered = await this.tx.select({ id: customers.id }).from(customers).where(inArray(customers.id, roots)).orderBy(customers.createdAt, customers.id);
      primary = ordered[0]!.id;
      for (const { id: other } of ordered.slice(1)) {
        const refusal = await this.mergeRefusal(primary, other);
        if (refusal) await this.conflict(ref, refusal.kind, [primary, other], refusal.detail);
        // The key is the record's identifier that the folded customer held: what proved them one person.
        else await this.merge(primary, other, ref, known.find((k) => k.rootId === other)!.id);
      }
    }

    const fresh = ids.filter((id) => !this.owners.has(keyOf(id)));
    if (fresh.length) await this.link(primary, fresh, ref, roots.length === 0);

    const mine = ids
      .map((id) => ({ id, owner: this.owners.get(keyOf(id)) }))
      .filter((x) => x.owner?.rootId === primary)
      .sort((a, b) => priority(a.id.type) - priority(b.id.type));
    return { customerId: mine[0]?.owner?.customerId ?? primary, unifiedId: primary };
  }

  /** Gives `primary` the identifiers no one holds yet, up to the per-type limits. */
  private async link(primary: string, fresh: LinkedIdentifier[], ref: RecordRef, isNew: boolean) {
    const counts = isNew ? new Map<string, number>() : await this.identifierCounts(primary);

    for (const id of fresh) {
      // One EVM address on several chains is one identifier (one key), linked once; each chain still
      // gets its wallet row from the record.
      if (this.owners.has(keyOf(id))) continue;
      const count = counts.get(id.type) ?? 0;
      const limit = this.limit(id.type);
      if (count >= limit) {
        await this.conflict(ref, 'limit', [primary], `${primary} already holds ${count} ${id.type} value(s), the limit`, id);
        continue;
      }
      counts.set(id.type, count + 1);
      this.newIdentifiers.push([primary, id.type, id.value, this.now]);
      this.owners.set(keyOf(id), { customerId: primary, rootId: primary });
    }
  }

  async flush(): Promise<void> {
    // Rows are pushed in these fields' order as arrays (the hot path of a new customer); names from drizzle.
    await insertMany(this.tx, getTableName(customers), columnsOf(customers, ['id', 'rootId', 'createdAt', 'firstSeenAt', 'lastActivityAt', 'pushedFirstAt', 'pushedLastAt']), this.newCustomers);
    await insertMany(this.tx, getTableName(identifiers), columnsOf(identifiers, ['customerId', 'type', 'value', 'createdAt']), this.newIdentifiers);
    this.newCustomers = [];
    this.newIdentifiers = [];
  }

  private limit(type: string) {
    return this.cfg.limits[type] ?? FALLBACK_IDENTIFIER_LIMIT;
  }

  private async groupOf(rootId: string): Promise<string[]> {
    await this.flush();
    const rows = await this.tx.select({ id: customers.id }).from(customers).where(eq(customers.rootId, rootId));
    return rows.map((r) => r.id);
  }

  private async identifierCounts(rootId: string): Promise<Map<string, number>> {
    await this.flush();
    const rows = await this.tx
      .select({ type: identifiers.type, n: sql<number>`count(*)` })
      .from(identifiers)
      .innerJoin(customers, eq(customers.id, identifiers.customerId))
      .where(eq(customers.rootId, rootId))
      .groupBy(identifiers.type);
    return new Map(rows.map((r) => [r.type, Number(r.n)]));
  }

  private async mergeRefusal(keep: string, fold: string): Promise<{ kind: ConflictKind; detail: string } | null> {
    const [a, b] = await Promise.all([this.groupOf(keep), this.groupOf(fold)]);
    const wasSplit = await this.tx
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
    const [ca, cb] = await Promise.all([this.identifierCounts(keep), this.identifierCounts(fold)]);
    if (ca.get('external_id') && cb.get('external_id')) {
      return { kind: 'external_id', detail: `${keep} and ${fold} each hold a different external_id` };
    }
    for (const [type, n] of cb) {
      const total = n + (ca.get(type) ?? 0);
      if (total > this.limit(type)) return { kind: 'limit', detail: `merging would give ${total} ${type} values, above the limit of ${this.limit(type)}` };
    }
    if (a.length + b.length - 1 > MAX_MERGES_PER_CUSTOMER) {
      return { kind: 'merge_cap', detail: `merging would exceed ${MAX_MERGES_PER_CUSTOMER} merges for ${keep}` };
    }
    return null;
  }

  /**
   * A merge a person approved (`conflicts approve`): the guards that refused it are theirs to overrule,
   * except the cap of merges per customer; the merge itself takes the path every merge takes.
   */
  async mergeReviewed(a: string, b: string, ref: RecordRef, key?: { type: string; value: string }): Promise<{ keep: string; fold: string }> {
    const ordered = await this.tx.select({ id: customers.id }).from(customers).where(inArray(customers.id, [a, b])).orderBy(customers.createdAt, customers.id);
    const [keep, fold] = [ordered[0]!.id, ordered[1]!.id];
    const [ga, gb] = await Promise.all([this.groupOf(keep), this.groupOf(fold)]);
    if (ga.length + gb.length - 1 > MAX_MERGES_PER_CUSTOMER) {
      throw new AppError('merge_cap', `merging would exceed ${MAX_MERGES_PER_CUSTOMER} merges for ${keep}; that limit is not overruled by review`, 409);
    }
    await this.merge(keep, fold, ref, key);
    return { keep, fold };
  }

  /**
   * A link a person approved past the per-type limit: the identifier joins `rootId` if no one holds it.
   * A wallet that another customer took since (its later transfers made one) proves the two are one
   * holder: that customer is merged in, as ingest would have done had the limit allowed the link.
   */
  async linkReviewed(rootId: string, id: LinkedIdentifier, ref: RecordRef): Promise<{ linked: 'linked' | 'already' } | { merged: { keep: string; fold: string } }> {
    await this.preload([id]);
    const owner = this.ownerOf(id);
    if (owner?.rootId === rootId) return { linked: 'already' };
    if (owner && id.type === 'wallet') return { merged: await this.mergeReviewed(rootId, owner.rootId, ref, id) };
    if (owner) throw new AppError('held_elsewhere', `${id.type} is held by ${owner.rootId} now; approve or split that instead`, 409);
    this.newIdentifiers.push([rootId, id.type, id.value, this.now]);
    this.owners.set(keyOf(id), { customerId: rootId, rootId });
    await this.flush();
    return { linked: 'linked' };
  }

  private async merge(keep: string, fold: string, ref: RecordRef, key?: { type: string; value: string }): Promise<void> {
    const apply = () => this.applyMerge(keep, fold, ref, key);
    return this.aroundMerge ? this.aroundMerge(keep, fold, ref, apply) : apply();
  }

  private async applyMerge(keep: string, fold: string, ref: RecordRef, key?: { type: string; value: string }): Promise<void> {
    await this.flush();
    await this.tx.update(customers).set({ rootId: keep }).where(eq(customers.rootId, fold));
    await this.tx.update(customers).set({ parentId: keep }).where(eq(customers.id, fold));
    await this.tx.insert(merges).values({ winnerId: keep, loserId: fold, recordType: ref.record?.type, recordId: ref.record?.id, keyType: key?.type, keyValue: key?.value, actor: this.actor, createdAt: this.now });
    for (const o of this.owners.values()) if (o.rootId === fold) o.rootId = keep;
  }

  private async conflict(ref: RecordRef, kind: ConflictKind, customerIds: string[], detail: string, id?: LinkedIdentifier) {
    await this.tx.insert(identityConflicts).values({
      kind, customerIds, detail, identifierType: id?.type, identifierValue: id?.value, identifierChain: id?.wallet?.chain, recordType: ref.record?.type, recordId: ref.record?.id, createdAt: this.now,
    });
  }
}
