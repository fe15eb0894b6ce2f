// The real service process (src/main.ts) with its own wiring: config from the environment, demo seeding,
// the HTTP server, Slack routes, and the delivery worker main starts, against the fake Slack API. Its
// stdout is the log, as deployed; no line of it may carry personal data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createStore, prepareDatabase } from '../db/client.ts';
import { grantRole } from '../src/access/roles.ts';
import { subscribeAlerts } from '../src/compliance/alert-subscriptions.ts';
import { startFakeSlackApi, type FakeSlackApi } from './fakes/slack-api.ts';
import { signSlackRequest, slashCommandBody } from './fakes/slack-sign.ts';
import { freePort } from './support/net.ts';

const SECRET = 'service-test-signing-secret';
let slack: FakeSlackApi;
const dirs: string[] = [];
beforeAll(async () => {
  slack = await startFakeSlackApi();
});
afterAll(async () => {
  await slack.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Service {
  proc: ChildProcess;
  base: string;
  out: () => string;
  stop: () => Promise<string>;
}

/** Starts `src/main.ts` on a free 127.0.0.1 port and waits until it says it listens. */
async function startService(dbFile: string, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH!, DATABASE_URL: `file:${dbFile}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'trace',
      SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-service', SLACK_ADMINS: 'UADMIN', SLACK_API_URL: slack.url, ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (b) => (out += b));
  proc.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 90_000;
  while (!out.includes('"msg":"user360 listening"')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the service did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (proc.exitCode === null) process.kill(proc.pid!, 'SIGTERM');
    await exited;
    return out;
  };
  return { proc, base: `http://127.0.0.1:${port}`, out: () => out, stop };
}

const freshDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'user360-service-'));
  dirs.push(dir);
  return join(dir, 'service.db');
};
const count = async (file: string) => {
  const store = await createStore(`file:${file}`);
  try {
    return Number((await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM customers`))[0]!.n);
  } finally {
    store.close();
  }
};

describe('the service process', () => {
  // Planted: main.ts not starting the delivery worker (and not kicking it): no alert reaches Slack and
  // this fails. Planted: the delivery worker logging each message's text at debug: the log check fails.
  // Planted: SEED_DEMO=auto seeding only when SEED_DEMO is 'true': the first start seeds nothing.
  it('seeds an empty database, delivers an alert within seconds through its own worker, and logs no personal data', async () => {
    const file = freshDb();
    const setup = await createStore(`file:${file}`);
    await prepareDatabase(setup);
    await grantRole(setup.db, { platform: 'slack', subject: 'UCOMP', role: 'compliance', grantedBy: 'UADMIN', now: Date.now() });
    setup.close();
    slack.reset();

    const svc = await startService(file, { SEED_DEMO: 'auto' });
    // Subscribe once the demo set's own alerts have been fanned out (to nobody), so the one alert of
    // this test is the only one to deliver; the service's worker does the fan-out.
    const db = await createStore(`file:${file}`);
    try {
      const deadline = Date.now() + 30_000;
      const unfanned = async () => Number((await db.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM alerts WHERE fanned_out_at IS NULL`))[0]!.n);
      while ((await unfanned()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      for (const target of ['user:UCOMP', 'channel:C88']) await subscribeAlerts(db, { platform: 'slack', target, filter: 'all', minLevel: null, by: 'UADMIN', now: Date.now() });
      const key = /Bearer (u360_[\w-]+)/.exec(svc.out())?.[1];
      expect(key, 'an empty embedded database is seeded and a demo key printed').toBeDefined();
      const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const person = { email: 'e2e.person@example.com', phone: '+886 933 222 111' };
      const batch = [
        { type: 'identify', id: 'svc-1', timestamp: '2026-11-20T10:00:00+08:00', identifiers: person, traits: { name: 'Eve Service' } },
        { type: 'kyc', id: 'svc-k1', timestamp: new Date().toISOString(), identifiers: { email: person.email }, status: 'rejected', risk_score: 90, document_id: 'Z123456789' },
      ];
      const res = await fetch(`${svc.base}/v1/batch`, { method: 'POST', headers: auth, body: JSON.stringify(batch) });
      expect(await res.json()).toMatchObject({ accepted: 2 });
      const posts = await slack.waitFor('chat.postMessage', 2, 30_000);
      const dm = JSON.stringify(posts.find((p) => p.body.channel === 'DUCOMP')?.body);
      expect(dm).toContain('Eve Service');
      expect(JSON.stringify(posts.find((p) => p.body.channel === 'C88')?.body)).not.toContain('Eve Service');

      // More paths that handle personal data: a refused record, a profile read, a Slack lookup.
      expect((await fetch(`${svc.base}/v1/identify`, { method: 'POST', headers: auth, body: JSON.stringify({ timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: 'e2e.person@example', phone: '12' } }) })).status).toBe(400);
      expect((await fetch(`${svc.base}/v1/profiles/${encodeURIComponent(person.email)}`, { headers: auth })).status).toBe(200);
      const cmd = slashCommandBody({ text: `lookup ${person.email}`, user_id: 'UCOMP', channel_id: 'C1', response_url: slack.responseUrl('svc') });
      const slash = await fetch(`${svc.base}/slack/events`, { method: 'POST', headers: signSlackRequest(SECRET, cmd, Math.floor(Date.now() / 1000)) as unknown as Record<string, string>, body: cmd });
      expect(slash.status).toBe(200);
    } finally {
      db.close();
      const log = await svc.stop();
      const lines = log.split('\n').filter((l) => l.startsWith('{'));
      expect(lines.some((l) => l.includes('seeded demo data'))).toBe(true);
      expect(lines.length, 'the log was captured').toBeGreaterThan(3);
      for (const secret of ['e2e.person', 'Eve Service', 'Z123456789', '933 222 111', '933222111', 'xoxb-service', SECRET]) {
        expect(lines.filter((l) => l.includes(secret)), `log lines with ${secret}`).toEqual([]);
      }
    }
    expect(await count(file)).toBeGreaterThan(900);
  }, 180_000);

  // Planted: SEED_DEMO=false ignored (seeding whenever the file is empty), and 'true' treated as 'auto': each fails.
  it('seeds per SEED_DEMO: never with false, always with true, not again with auto once there are customers', async () => {
    const [empty, full] = [freshDb(), freshDb()];
    const [off, on] = await Promise.all([startService(empty, { SEED_DEMO: 'false' }), startService(full, { SEED_DEMO: 'true' })]);
    const [offLog, onLog] = await Promise.all([off.stop(), on.stop()]);
    expect(offLog).not.toContain('seeded demo data');
    expect(await count(empty)).toBe(0);
    expect(onLog).toContain('seeded demo data');
    const seeded = await count(full);
    expect(seeded).toBeGreaterThan(900);
    const again = await startService(full, { SEED_DEMO: 'auto' });
    expect(await again.stop()).not.toContain('seeded demo data');
    expect(await count(full)).toBe(seeded);
  }, 180_000);
});
