// One of two instances deciding the same thing at once (the "two approvals" and "two claims" tests):
// same database, its own connection and process, the decision inside a barrier with the other.
import { createStore, prepareDatabase } from '../../db/client.ts';
import { alertAction } from '../../commands/acknowledge.ts';
import { conflicts } from '../../commands/conflicts.ts';
import { parseConfig } from '../../src/config.ts';
import { barrierFromEnv, insideTogether } from './overlap.ts';

const [url, what, id, who] = process.argv.slice(2) as [string, 'approve' | 'claim', string, string];
const store = await createStore(url);
await prepareDatabase(store);
const ctx = { store, identity: parseConfig({}).identity, clock: () => new Date(), caller: { platform: 'cli' as const, userId: who, role: 'admin' as const } };
const b = barrierFromEnv();
const { result, overlapped } = await insideTogether(b.dir, b.me, b.peers, async () => {
  if (what === 'approve') {
    const r = await conflicts({ action: 'approve', id: Number(id), reason: undefined }, ctx);
    return r.kind === 'conflicts' ? { ok: r.outcome?.ok, text: r.outcome?.text } : { ok: false, text: r.kind };
  }
  const r = await alertAction({ alertId: Number(id), action: 'claim' }, ctx);
  return r.kind === 'alert' ? { ok: !r.refused, text: r.refused ?? r.alert.claimed?.by } : { ok: false, text: r.kind };
});
process.stdout.write(JSON.stringify({ ...result, overlapped }));
store.close();
