// One instance starting up for the migrate-once test: opens the database given, prepares it as the
// service does, and reports what it applied and when it tried, held and released the lock. With the
// lock held it waits until every instance of the test has tried to take it, so the race is certain.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStore, prepareDatabase } from '../../db/client.ts';

const [url, dir, count] = process.argv.slice(2) as [string, string, string];
const store = await createStore(url);
const t: Record<string, number> = {};
while (Date.now() < Number(process.env.START_AT)) await new Promise((r) => setTimeout(r, 5));
const { applied } = await prepareDatabase(store, {
  trying: () => {
    t.tried = Date.now();
    writeFileSync(join(dir, `trying-${process.pid}`), '');
  },
  locked: async () => {
    t.locked = Date.now();
    const until = Date.now() + 15_000;
    while (readdirSync(dir).filter((f) => f.startsWith('trying-')).length < Number(count) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    // The others are now polling the lock; give them a few rounds of it.
    await new Promise((r) => setTimeout(r, 300));
  },
});
t.ready = Date.now();
// "Came up": the schema is there for this instance.
const customers = Number((await store.client.execute('SELECT count(*) AS n FROM customers')).rows[0]!.n);
process.stdout.write(JSON.stringify({ applied, customers, ...t }));
store.close();
