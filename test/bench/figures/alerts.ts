/**
 * KYC change → alert message at the (fake) Slack API: a compliance lead subscribed by DM, the delivery
 * worker running as in main.ts and kicked by ingest. Each trial sends the first KYC record of a customer
 * who had none, so every trial is a change.
 */
import { rmSync } from 'node:fs';
import type { Client } from '@libsql/client';
import { grantRole } from '../../../src/access/roles.ts';
import { subscribeAlerts } from '../../../src/compliance/alert-subscriptions.ts';
import { seededRandom } from '../../../src/seed/random.ts';
import { gmt8Day } from '../../../src/time.ts';
import { ZWSP } from '../../../src/slack/escape.ts';
import { SLACK_BOT } from '../../fakes/slack-api.ts';
import { backgroundLoad, closedLoop, summarise, turn, type Sample } from '../load.ts';
import { customerRecords, type Plan } from '../model.ts';
import { rawClient } from '../raw.ts';
import type { Service } from '../service.ts';

/** Customers already used by a run in this process: their first KYC record has been sent. */
const used = new Set<number>();

function unverifiedCustomers(plan: Plan, n: number, seed: number): number[] {
  const rnd = seededRandom(seed);
  const out: number[] = [];
  while (out.length < n) {
    const i = rnd.int(0, plan.customers - 1);
    if (!used.has(i) && !customerRecords(plan, i).records.some((r) => r.type === 'kyc')) out.push(i), used.add(i);
  }
  return out;
}

async function posted(svc: Service, unifiedId: string, from: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (let seen = from; performance.now() < deadline; ) {
    const calls = svc.api.callsTo('chat.postMessage');
    // The fallback text breaks the ID's underscore with zero-width spaces (src/slack/escape.ts), so it is
    // compared without them: matching the raw text missed every alert and made each trial wait out its
    // 10 s (the "alerts phase stall" of BENCHMARKS.md).
    if (calls.slice(seen).some((c) => String(c.body.text ?? '').replaceAll(ZWSP, '').includes(unifiedId))) return true;
    seen = Math.max(from, calls.length - 5);
    await svc.api.waitFor('chat.postMessage', calls.length + 1, Math.max(1, deadline - performance.now())).catch(() => undefined);
  }
  return false;
}

export async function alertFigure(svc: Service, plan: Plan, trials: number, seed: number, background?: (i: number) => Promise<unknown>) {
  const now = svc.clock().getTime();
  await svc.store.write((tx) => grantRole(tx, { platform: 'slack', subject: 'UCOMP', role: 'compliance', grantedBy: 'UADMIN', now }));
  await subscribeAlerts(svc.store, { platform: 'slack', target: 'user:UCOMP', filter: 'all', minLevel: null, by: 'UADMIN', now });
  const customers = unverifiedCustomers(plan, trials, seed);
  const latencies: number[] = [];
  const missed: string[] = [];
  const load = background ? backgroundLoad(4, async (i) => void (await background(i))) : undefined;
  for (const [k, i] of customers.entries()) {
    await turn();
    const from = svc.api.callsTo('chat.postMessage').length;
    const record = { id: `bench-alert-${now}-${k}`, timestamp: new Date(svc.clock().getTime()).toISOString(), identifiers: { external_id: `cust-${i}` }, status: 'pending', risk_score: 80, reason: 'bench' };
    const t0 = performance.now();
    const res = await svc.post('/v1/kyc', JSON.stringify(record));
    const body = (await res.json()) as { unified_ids?: string[] };
    const uid = body.unified_ids?.[0];
    if (!uid || !(await posted(svc, uid, from, 10_000))) missed.push(`cust-${i}: ${JSON.stringify(body).slice(0, 120)}`);
    else latencies.push(performance.now() - t0);
  }
  const loadSample = await load?.stop();
  return { sample: summarise(latencies, latencies.reduce((a, b) => a + b, 0) / 1000, missed.length, missed[0]), load: loadSample };
}

/**
 * The hand-written equivalent: write the change, post the message, done when Slack has it. It writes to a
 * scratch file holding kyc_changes with the store's own DDL and indexes: a raw synchronous insert into the
 * working copy waits for the file lock with the event loop blocked, while the service in this process
 * (its delivery worker marking messages sent) holds that lock across a yield, and so fails SQLITE_BUSY.
 */
export async function rawAlert(svc: Service, raw: Client, scratchPath: string, trials: number): Promise<Sample> {
  const url = `${svc.api.url}chat.postMessage`;
  const cust = (await raw.execute('SELECT id FROM customers LIMIT 1')).rows[0]!.id as string;
  const ddl = (await raw.execute(`SELECT sql FROM sqlite_master WHERE tbl_name = 'kyc_changes' AND sql IS NOT NULL ORDER BY type = 'index'`)).rows.map((r) => String(r.sql));
  for (const f of [scratchPath, `${scratchPath}-wal`, `${scratchPath}-shm`, `${scratchPath}-journal`]) rmSync(f, { force: true });
  const scratch = rawClient(scratchPath);
  await scratch.execute('PRAGMA journal_mode = WAL');
  for (const sql of ddl) await scratch.execute(sql);
  try {
    return await closedLoop(1, trials, 60_000, async (k) => {
      const at = svc.clock().getTime();
      await scratch.execute({
        sql: `INSERT INTO kyc_changes (customer_id, record_id, at, day, from_status, to_status, created_at) VALUES (?, ?, ?, ?, 'unverified', 'pending', ?)`,
        args: [cust, `raw-alert-${at}-${k}`, at, gmt8Day(at), at],
      });
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${SLACK_BOT.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'DUCOMP', text: `KYC status changed · ${cust}` }) });
      if (!((await res.json()) as { ok: boolean }).ok) return 'chat.postMessage failed';
    });
  } finally {
    scratch.close();
    for (const f of [scratchPath, `${scratchPath}-wal`, `${scratchPath}-shm`, `${scratchPath}-journal`]) rmSync(f, { force: true });
  }
}
