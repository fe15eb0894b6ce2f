/**
 * `npx tsx test/bench/card-lists.ts [customers] [conflicts]`: what the card's two extra columns (recent
 * transactions, the guards' refusals) cost a profile read, on a demo store with `conflicts` open
 * identity conflicts. Prints the median of buildProfile with them, and of the same statement without.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, prepareDatabase } from '../../db/client.ts';
import { parseConfig } from '../../src/config.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { buildProfile } from '../../src/profile/profile.ts';
import { identityConflicts } from '../../db/schema/index.ts';

const [customers = 2000, conflicts = 5000] = process.argv.slice(2).map(Number);
const store = await createStore(`file:${join(mkdtempSync(join(tmpdir(), 'u360-cards-')), 'bench.db')}`);
await prepareDatabase(store);
const at = Date.parse('2026-11-25T12:00:00+08:00');
const clock = () => new Date(at);
await seedDemo({ store, identity: parseConfig({}).identity, clock }, customers, 360);
const ids = (await store.read('SELECT id FROM customers WHERE id = root_id ORDER BY id', [])).map((r) => String(r.id));
for (let i = 0; i < conflicts; i += 500) {
  await store.db.insert(identityConflicts).values(Array.from({ length: Math.min(500, conflicts - i) }, (_, j) => ({
    kind: 'limit' as const, customerIds: [ids[(i + j) % ids.length]!], identifierType: 'wallet', identifierValue: `0x${i + j}`, detail: 'bench', createdAt: clock().getTime(),
  })));
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(label: string, read: (id: string) => Promise<unknown>) {
  const samples: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const id of ids.slice(0, 500)) {
      const t = performance.now();
      await read(id);
      samples.push(performance.now() - t);
    }
  }
  process.stdout.write(`${label}: median ${median(samples).toFixed(3)} ms over ${samples.length}\n`);
}
const now = clock().getTime();
await time('buildProfile (with recent transactions and refusals)', (id) => buildProfile(store, id, now));
const { CARD_LIST_COLUMNS } = await import('../../src/profile/lists.ts');
await time('the two columns alone', (id) => store.read(`WITH g AS MATERIALIZED (SELECT id FROM customers WHERE root_id = ?1) SELECT ${CARD_LIST_COLUMNS}`, [id]));
process.stdout.write(`${ids.length} customers, ${conflicts} open conflicts, ${process.env.NODE_ENV ?? ''}\n`);
