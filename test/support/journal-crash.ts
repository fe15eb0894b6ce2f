// One process that dies with audit rows in its journal: it opens the database, holds a write
// transaction open (so `record` journals), records the rows it is told to, says so, and is killed.
import { createStore, prepareDatabase } from '../../db/client.ts';
import { writeAudit } from '../../src/access/audit.ts';

const [url, count] = process.argv.slice(2) as [string, string];
const store = await createStore(url);
await prepareDatabase(store);
let inside!: () => void;
const opened = new Promise<void>((r) => (inside = r));
void store.write(async () => {
  inside();
  await new Promise(() => undefined); // never commits: the process dies holding it
});
await opened;
for (let i = 0; i < Number(count); i++) await writeAudit(store, { at: 1_700_000_000_000 + i, platform: 'api', callerId: 'crash-test', command: `lookup ${i}` });
process.stdout.write('recorded\n', () => process.kill(process.pid, 'SIGKILL'));
