import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Store, Tx } from '../../db/client.ts';
import { chainBlocks, chainCursors, identifiers } from '../../db/schema/index.ts';
import { names, sqlNames } from '../../db/sql-names.ts';
import type { IdentityConfig } from '../config.ts';
import { ingestRecords, prepareRecords } from '../ingest/ingest.ts';
import type { Clock } from '../time.ts';
import { blockAt, headOf, type ChainClient } from './client.ts';
import { AnswerTooLargeError, causes } from './rpc-fetch.ts';
import { assertLease, takeLease } from './lease.ts';
import { dropAbove } from './reorg.ts';
import { blockFacts, customerWallets, readTransfers, transferRecords, type BlockFacts, type TransferLog } from './transfers.ts';
import type { Address } from './settings.ts';

export interface IndexerDeps {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  confirmations: number;
  logWindow: number;
  holder: string;
  leaseMs: number;
  /** Logs one eth_getLogs answer aims at (TARGET_LOGS unless a test sets it). */
  targetLogs?: number;
}

interface WindowLogs {
  logs: TransferLog[];
  lastHash: string;
}

interface Cursor {
  firstBlock: number;
  block: number;
  hash: string;
  walletsUpTo: number;
}

/** A log answer too big to read, or a provider's cap on logs or blocks per request, in its usual wordings. */
const tooMuch = (e: unknown) =>
  [...causes(e)].some((c) => c instanceof AnswerTooLargeError || (c as Error).name === 'ResponseBodyTooLargeError' || /more than \d+ results|response size|block range is too (large|wide)/i.test((c as Error).message ?? ''));

/** Logs one eth_getLogs answer aims at: ~10 MB of JSON, and one ingest transaction of bounded memory. */
const TARGET_LOGS = 10_000;

/** Hashes kept per chain to find where a reorg forked; deeper reorgs than this are not followed. */
const KEEP_BLOCKS = 512;

// Names from the drizzle tables (db/sql-names.ts): fragments for `sql`, text for the fixed statements.
const [K, B, I] = [sqlNames(chainCursors), sqlNames(chainBlocks), sqlNames(identifiers)];
const [CK, CB] = [names(chainCursors), names(chainBlocks)];
const MOVE_CURSOR = `UPDATE ${CK.$} SET ${CK.block} = ?, ${CK.hash} = ?, ${CK.walletsUpTo} = ?, ${CK.updatedAt} = ? WHERE ${CK.chain} = ? AND ${CK.block} = ? AND ${CK.hash} = ? AND ${CK.walletsUpTo} = ?`;
const KEEP_HASHES = `INSERT INTO ${CB.$} (${CB.chain}, ${CB.number}, ${CB.hash}) SELECT ?, j.value ->> 0, j.value ->> 1 FROM json_each(?) AS j WHERE true ON CONFLICT (${CB.chain}, ${CB.number}) DO UPDATE SET ${CB.hash} = excluded.${CB.hash}`;
const DROP_OLD_BLOCKS = `DELETE FROM ${CB.$} WHERE ${CB.chain} = ? AND ${CB.number} < ?`;

/**
 * Follows one chain: under the chain's lease, reads the Transfer logs of its tokens in bounded windows
 * up to `confirmations` blocks behind the head, and ingests those touching a customer's wallet through
 * the ordinary ingest path, moving the cursor in the same transaction. `step` does one bounded piece of
 * work and says whether more is waiting; the runner calls it on a timer with backoff on errors.
 */
export class ChainIndexer {
  constructor(readonly cc: ChainClient, readonly deps: IndexerDeps) {}

  private get chain() {
    return this.cc.chain;
  }

  async cursor(): Promise<Cursor | undefined> {
    const [row] = await this.deps.store.db.all<{ first_block: number; block: number; hash: string; wallets_up_to: number }>(
      sql`SELECT ${K.firstBlock}, ${K.block}, ${K.hash}, ${K.walletsUpTo} FROM ${K.$} WHERE ${K.chain} = ${this.chain}`,
    );
    return row && { firstBlock: row.first_block, block: row.block, hash: row.hash, walletsUpTo: row.wallets_up_to };
  }

  private blockAt(n: number) {
    return blockAt(this.cc.client, n);
  }

  /**
   * Blocks per eth_getLogs. The first read is one block; after each answer the window is set so the
   * next one carries about TARGET_LOGS logs (never above EVM_LOG_WINDOW), and it is halved when an
   * answer is too large to read. A node that has no cap (Anvil) builds the whole answer before refusing
   * it: a 2,000-block first guess over busy blocks cost 14 s of the 33 s it took to index 100,000 transfers.
   */
  private window = 0;
  /** The next window's logs, read while the current one is ingested (the node and the store work side by side). */
  private ahead?: { from: number; to: number; read: Promise<WindowLogs> };

  /** Returns 'idle' when caught up, 'more' when another step has work, 'standby' when another instance holds the lease. */
  async step(): Promise<'idle' | 'more' | 'standby'> {
    const { store, clock } = this.deps;
    if (!(await takeLease(store, this.chain, this.deps.holder, clock().getTime(), this.deps.leaseMs))) return 'standby';
    const head = await headOf(this.cc.client);
    const safe = head - this.deps.confirmations;
    let cursor = await this.cursor();
    if (!cursor) {
      const start = Math.min(this.cc.config.startBlock !== undefined ? Number(this.cc.config.startBlock) : safe + 1, safe + 1);
      const before = start > 0 ? await this.blockAt(start - 1) : undefined;
      const [{ max }] = (await store.db.all<{ max: number | null }>(sql`SELECT max(${I.id}) AS max FROM ${I.$}`)) as [{ max: number | null }];
      await store.write((tx) =>
        tx.run(sql`INSERT INTO ${K.$} (${K.chain}, ${K.firstBlock}, ${K.block}, ${K.hash}, ${K.walletsUpTo}, ${K.updatedAt})
          VALUES (${this.chain}, ${start}, ${start - 1}, ${before?.hash ?? '0x'}, ${max ?? 0}, ${clock().getTime()}) ON CONFLICT DO NOTHING`),
      );
      this.deps.log.info({ chain: this.chain, from: start, head }, 'indexing starts');
      cursor = (await this.cursor())!;
    }
    if (cursor.block >= 0 && (await this.forked(cursor, head))) {
      await this.unwind(cursor, head);
      return 'more';
    }
    if (await this.backfillNewWallets(cursor)) return 'more';
    if (cursor.block >= safe) return 'idle';
    const from = cursor.block + 1;
    const ahead = this.ahead;
    this.ahead = undefined;
    // A window read ahead is used only if it starts where the cursor stands now and is still confirmed.
    const to = ahead && ahead.from === from && ahead.to <= safe ? ahead.to : Math.min(safe, cursor.block + (this.window || 1));
    let read: WindowLogs;
    try {
      read = await (ahead && ahead.from === from && ahead.to === to ? ahead.read : this.readWindow(from, to));
    } catch (e) {
      if (!tooMuch(e) || to === from) throw e;
      this.window = Math.max(1, Math.floor((to - from + 1) / 2));
      this.deps.log.info({ chain: this.chain, from, to, window: this.window }, 'too many logs in one answer; narrowing the block window');
      return 'more';
    }
    this.window = Math.min(this.deps.logWindow, Math.max(1, Math.floor(((to - from + 1) * (this.deps.targetLogs ?? TARGET_LOGS)) / Math.max(read.logs.length, 1))));
    if (to < safe) this.readAhead(to + 1, Math.min(safe, to + this.window));
    // If a reorg changed a block of this window after it was read (ingest refuses the changed hash),
    // the logs read ahead past it are dropped too.
    const n = await this.ingestWindow(cursor, from, to, read).catch((e) => {
      this.ahead = undefined;
      throw e;
    });
    if (safe - to > this.deps.logWindow) this.deps.log.info({ chain: this.chain, block: to, head, behind: safe - to, transfers: n }, 'backfill progress');
    return to < safe ? 'more' : 'idle';
  }

  /**
   * The window's logs with the hash its last block had before they were read. Every block of the window
   * is an ancestor of that one, so if the hash is still the same when the window is ingested, no reorg
   * touched the window in between and the answer is the chain's (logs read ahead wait a whole step).
   */
  private async readWindow(from: number, to: number): Promise<WindowLogs> {
    const { hash } = await this.blockAt(to);
    return { logs: await readTransfers(this.cc, BigInt(from), BigInt(to)), lastHash: hash };
  }

  private readAhead(from: number, to: number) {
    const read = this.readWindow(from, to);
    // Its failure is seen when the next step awaits it (and narrows or backs off there), not as an unhandled rejection.
    read.catch(() => {});
    this.ahead = { from, to, read };
  }

  /** Ingests the window's transfers that touch customers and moves the cursor to `to`, all in one transaction. */
  private async ingestWindow(cursor: Cursor, from: number, to: number, read: WindowLogs): Promise<number> {
    return this.ingestLogs(read.logs, [to], (tx, blocks) => {
      if (blocks.get(to)!.hash !== read.lastHash) throw new Error(`block ${to} changed while its window was read (a reorg); reading it again`);
      return this.moveCursor(tx, cursor, { block: to, hash: blocks.get(to)!.hash }, [...blocks.entries()].map(([n, b]) => [n, b.hash] as const));
    });
  }

  /** Turns the logs that touch customers into transaction records and ingests them; `inTx` runs in the same transaction. */
  private async ingestLogs(logs: TransferLog[], alsoBlocks: number[], inTx: (tx: Tx, blocks: Map<number, BlockFacts>) => Promise<void>): Promise<number> {
    const { store, clock } = this.deps;
    const customers = await customerWallets(store.db, logs.flatMap((l) => [l.from, l.to]));
    const mine = logs.filter((l) => customers.has(l.from) || customers.has(l.to));
    const blocks = await blockFacts(this.cc, [...new Set([...mine.map((l) => l.block), ...alsoBlocks])]);
    const records = transferRecords(this.cc, mine, customers, blocks);
    const { records: prepared, issues } = prepareRecords(records.map((r) => r.raw), this.deps.identity, clock().getTime(), { indexed: true });
    if (issues.length) throw new Error(`indexed transfers failed validation: ${JSON.stringify(issues.slice(0, 3))}`);
    const metaById = new Map(records.map((r) => [r.raw.id as string, r.meta]));
    for (const p of prepared) p.chain = metaById.get(p.record.id!);
    await ingestRecords({ store, identity: this.deps.identity, clock }, prepared, `chain:${this.chain}`, (tx) => inTx(tx, blocks));
    return records.length;
  }

  /** Compare-and-set on the cursor under the lease: a second instance that read the same window writes nothing. */
  private async moveCursor(tx: Tx, cursor: Cursor, to: { block: number; hash: string; walletsUpTo?: number }, hashes: (readonly [number, string])[]) {
    const now = this.deps.clock().getTime();
    await assertLease(tx, this.chain, this.deps.holder, now);
    const { rowsAffected } = await tx.$client.execute({
      sql: MOVE_CURSOR,
      args: [to.block, to.hash, to.walletsUpTo ?? cursor.walletsUpTo, now, this.chain, cursor.block, cursor.hash, cursor.walletsUpTo],
    });
    if (rowsAffected !== 1) throw new Error(`the ${this.chain} cursor moved under this instance`);
    if (hashes.length) {
      await tx.$client.execute({
        sql: KEEP_HASHES,
        args: [this.chain, JSON.stringify(hashes)],
      });
    }
    await tx.$client.execute({ sql: DROP_OLD_BLOCKS, args: [this.chain, to.block - KEEP_BLOCKS] });
  }

  /**
   * Whether the cursor's block left the chain. A head below the cursor is either a node that is behind
   * (a load-balanced provider) or a reorg onto a shorter branch: the newest block stored at or below the
   * head tells them apart, so a shorter branch is unwound at once instead of once it outgrows the cursor.
   */
  private async forked(cursor: Cursor, head: number): Promise<boolean> {
    if (cursor.block <= head) return (await this.blockAt(cursor.block)).hash !== cursor.hash;
    const [known] = await this.deps.store.db.all<{ number: number; hash: string }>(
      sql`SELECT ${B.number}, ${B.hash} FROM ${B.$} WHERE ${B.chain} = ${this.chain} AND ${B.number} <= ${head} ORDER BY ${B.number} DESC LIMIT 1`,
    );
    return known !== undefined && (await this.blockAt(known.number)).hash !== known.hash;
  }

  /** The stored cursor block is no longer on the chain: go back to the newest stored block that still is. */
  private async unwind(cursor: Cursor, head: number) {
    const { store, clock } = this.deps;
    // Blocks above the head are gone from the chain (a shorter branch): not asked for.
    const known = await store.db.all<{ number: number; hash: string }>(
      sql`SELECT ${B.number}, ${B.hash} FROM ${B.$} WHERE ${B.chain} = ${this.chain} AND ${B.number} < ${cursor.block} AND ${B.number} <= ${head} ORDER BY ${B.number} DESC`,
    );
    let fork = cursor.firstBlock - 1;
    for (const k of known) {
      if ((await this.blockAt(k.number)).hash === k.hash) {
        fork = k.number;
        break;
      }
    }
    const forkHash = fork >= 0 ? (await this.blockAt(fork)).hash : '0x';
    const removed = await store.write(async (tx) => {
      const n = await dropAbove(tx, this.chain, fork, clock().getTime());
      await tx.run(sql`DELETE FROM ${B.$} WHERE ${B.chain} = ${this.chain} AND ${B.number} > ${fork}`);
      await this.moveCursor(tx, cursor, { block: fork, hash: forkHash }, []);
      return n;
    });
    this.deps.log.warn({ chain: this.chain, from: cursor.block, back_to: fork, removed }, 'reorg: orphaned transfers removed, reading again');
  }

  /**
   * Wallets linked since the cursor last looked get the transfers already indexed past them: their
   * logs from the first block up to the cursor, read with the address as a topic filter.
   */
  private async backfillNewWallets(cursor: Cursor): Promise<boolean> {
    const { store } = this.deps;
    // The top id is read first: an identifier stored after it is looked at on the next step.
    const [{ max }] = (await store.db.all<{ max: number | null }>(sql`SELECT max(${I.id}) AS max FROM ${I.$}`)) as [{ max: number | null }];
    if ((max ?? 0) <= cursor.walletsUpTo) return false;
    const fresh = await store.db.all<{ id: number; value: string }>(
      sql`SELECT ${I.id}, ${I.value} FROM ${I.$} WHERE ${I.id} > ${cursor.walletsUpTo} AND ${I.id} <= ${max} AND ${I.type} = 'wallet' AND ${I.value} LIKE 'evm:%' ORDER BY ${I.id} LIMIT 500`,
    );
    if (!fresh.length) {
      await store.write((tx) => this.moveCursor(tx, cursor, { ...cursor, walletsUpTo: max! }, []));
      return false;
    }
    const addresses = fresh.map((f) => f.value.slice(4) as Address);
    const upTo = fresh[fresh.length - 1]!.id;
    const logs: TransferLog[] = [];
    for (let from = cursor.firstBlock; from <= cursor.block; from += this.deps.logWindow) {
      const to = Math.min(cursor.block, from + this.deps.logWindow - 1);
      for (const side of ['from', 'to'] as const) logs.push(...(await readTransfers(this.cc, BigInt(from), BigInt(to), { side, addresses })));
    }
    // A log between two new wallets comes back twice, once per side.
    const unique = [...new Map(logs.map((l) => [`${l.txHash}:${l.logIndex}`, l])).values()];
    if (unique.length) this.deps.log.info({ chain: this.chain, wallets: addresses.length, transfers: unique.length }, 'backfilling newly linked wallets');
    await this.ingestBackfill(cursor, unique, upTo);
    return true;
  }

  private async ingestBackfill(cursor: Cursor, logs: TransferLog[], walletsUpTo: number) {
    await this.ingestLogs(logs, [], (tx) => this.moveCursor(tx, cursor, { ...cursor, walletsUpTo }, []));
  }
}
