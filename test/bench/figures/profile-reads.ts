import type { Store } from '../../../db/client.ts';
import { buildProfile } from '../../../src/profile/profile.ts';
import type { ModelRead } from '../../../src/profile/read-model.ts';

export type Timed = (into: number[], fn: () => Promise<unknown>) => Promise<void>;

const timed: Timed = async (into, fn) => {
  const t = performance.now();
  await fn();
  into.push(performance.now() - t);
};

/**
 * `buildProfile` for each root, three rounds from an empty read model: today's path (the statement
 * every time), the model on a miss (statement, then the store is queued), and on a hit. Today's read
 * goes first for half the roots, so neither side always finds the pages cached. `extra` times more
 * reads of the same root into its own lists (read-model.ts: the sections alone).
 */
export async function profileReadTimes<K extends string>(store: Store, roots: string[], now: number, extra: Record<K, (root: string) => Promise<unknown>> = {} as Record<K, never>) {
  const times = { today: [] as number[], miss: [] as number[], hit: [] as number[] } as Record<'today' | 'miss' | 'hit' | K, number[]>;
  for (const k of Object.keys(extra) as K[]) times[k] = [];
  for (let round = 0; round < 3; round++) {
    await store.writeOne('DELETE FROM profile_rows');
    for (const [k, root] of roots.entries()) {
      let read: ModelRead | undefined;
      const today = () => timed(times.today, () => buildProfile(store, root, now, { model: false }));
      if (k % 2) await today();
      await timed(times.miss, () => buildProfile(store, root, now, { onModel: (m) => (read = m) }));
      if (read!.hit) throw new Error('expected a miss');
      await read!.stored;
      if (!(k % 2)) await today();
      await timed(times.hit, () => buildProfile(store, root, now, { onModel: (m) => (read = m) }));
      if (!read!.hit) throw new Error('expected a hit');
      for (const [name, fn] of Object.entries(extra) as [K, (root: string) => Promise<unknown>][]) await timed(times[name], () => fn(root));
    }
  }
  return times;
}
