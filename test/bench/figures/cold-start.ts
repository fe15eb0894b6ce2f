/**
 * Cold start: spawn the service as `npm start` runs it (`node dist/main.js`, the bundle src/build.ts
 * makes) on the bench database and time until `/healthz` answers 200 and until a profile is served;
 * the same for a minimal raw server, bundled the same way so neither pays for compiling TypeScript. Afterwards a short
 * load over a real port shows the server process's own peak memory (VmHWM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SLACK_BOT, type FakeSlackApi } from '../../fakes/slack-api.ts';
import { signSlackRequest, slashCommandBody } from '../../fakes/slack-sign.ts';
import { closedLoop, type Sample } from '../load.ts';
import { bundle } from '../../../src/build.ts';
import { SIGNING_SECRET } from '../service.ts';
import { freePort } from '../../support/net.ts';

async function until(url: string, headers: Record<string, string>, deadline: number, child: ChildProcess): Promise<number | undefined> {
  while (performance.now() < deadline) {
    if (child.exitCode !== null) return undefined;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}

const memOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { hwmMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
};

/** CPU seconds (user + system) a process has used: /proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s. */
const cpuOf = (pid: number | 'self') => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
type Cores = { cores: { server: number; clients: number } };
/** Runs `fn` and says how many cores the server and this process (the clients) kept busy meanwhile. */
async function withCpu<T extends object>(pid: number, fn: () => Promise<T>): Promise<T & Cores> {
  const [s0, c0, t0] = [cpuOf(pid), cpuOf('self'), performance.now()];
  const r = await fn();
  const secs = (performance.now() - t0) / 1000;
  return Object.assign(r, { cores: { server: (cpuOf(pid) - s0) / secs, clients: (cpuOf('self') - c0) / secs } });
}

export interface ColdStart {
  healthMs?: number;
  firstAnswerMs?: number;
  stderr: string;
}

async function startAndTime(script: string, env: Record<string, string>, firstPath: string, headers: Record<string, string>, keep = false) {
  const port = await freePort();
  const t0 = performance.now();
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the spawned server; Node refuses those in NODE_OPTIONS.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const health = await until(`${base}/healthz`, {}, t0 + 60_000, child);
  const first = health ? await until(`${base}${firstPath}`, headers, t0 + 60_000, child) : undefined;
  const result: ColdStart = { healthMs: health && health - t0, firstAnswerMs: first && first - t0, stderr: stderr.slice(-2000) };
  if (!keep) await stopChild(child);
  return { result, child, base };
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 6000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export async function coldStart(o: {
  dbPath: string;
  apiKey: string;
  api: FakeSlackApi;
  identifier: { text: string; type: string; value: string };
  /** identifiers for the real-port lookup load */
  texts: string[];
  runs: number;
  loadMs: number;
  batchBody: string;
  /** NDJSON bodies of 2,000 fresh records each, sent one after another during the lookups-under-ingest mix. */
  mixBodies: Iterator<string>;
  /**
   * NDJSON bodies sent after the mix, two requests in flight, as the independent run loaded the server
   * (its peak RSS, 462 MB, was taken after such a load): the server's memory after sustained ingest.
   */
  loadBodies?: string[];
}) {
  const db = resolve(o.dbPath);
  const serviceEnv = {
    DATABASE_URL: `file:${db}`, SEED_DEMO: 'false', HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: SLACK_BOT.token, SLACK_API_URL: o.api.url,
  };
  const profilePath = `/v1/profiles/${encodeURIComponent(o.identifier.text)}`;
  await bundle(undefined, 'dist');
  await bundle(['test/bench/raw-server.ts'], 'bench-output/dist-raw');
  const [mainJs, rawJs] = ['dist/main.js', 'bench-output/dist-raw/raw-server.js'];
  const auth = { authorization: `Bearer ${o.apiKey}` };
  const service: ColdStart[] = [];
  const raw: ColdStart[] = [];
  for (let k = 0; k < o.runs; k++) {
    service.push((await startAndTime(mainJs, serviceEnv, profilePath, auth)).result);
    raw.push((await startAndTime(rawJs, { DATABASE_PATH: db }, `/profile?type=${o.identifier.type}&value=${encodeURIComponent(o.identifier.value)}`, {})).result);
  }

  // One more start, kept running: real-port load, then the server's own high-water mark.
  const { child, base } = await startAndTime(mainJs, serviceEnv, profilePath, auth, true);
  const idleMem = memOf(child.pid!);
  let load: {
    idleMem?: { hwmMb: number; rssMb: number }; lookupOne?: Sample; lookups?: Sample & Cores; ingestMs?: number; metricsMs?: number; mem?: { hwmMb: number; rssMb: number };
    mix?: { lookups: Sample & Cores; one: Sample; batches: number; records: number; seconds: number; batchesDuringLookups: number; firstError?: string; mem: { hwmMb: number; rssMb: number } };
    sustained?: { records: number; seconds: number; firstError?: string; mem: { hwmMb: number; rssMb: number } };
  } = { idleMem };
  try {
    const slash = async (i: number) => {
      const body = slashCommandBody({ text: `lookup ${o.texts[i % o.texts.length]}`, user_id: 'U1', channel_id: 'C1', response_url: o.api.responseUrl('cold') });
      const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: { ...signSlackRequest(SIGNING_SECRET, body) }, body });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('"blocks"')) return `HTTP ${res.status}: ${text.slice(0, 120)}`;
    };
    // Each text once first: a lookup's first answer builds and stores its profile row (the read model),
    // later ones read it. Measured cold, the phase without ingest paid those builds and the mix after it
    // did not, so lookups came out faster under ingest than without (2026-12-02).
    await closedLoop(4, o.texts.length, 60_000, slash);
    const lookupOne = await closedLoop(1, Number.MAX_SAFE_INTEGER, o.loadMs / 2, slash);
    /** One NDJSON batch to /v1/batch, bounded so a server that hangs fails the figure instead of the run. */
    const postNdjson = async (body: string): Promise<{ accepted: number } | { error: string }> => {
      const res = await fetch(`${base}/v1/batch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body, signal: AbortSignal.timeout(120_000) });
      const text = await res.text();
      return res.status === 200 ? { accepted: (JSON.parse(text) as { accepted: number }).accepted } : { error: `HTTP ${res.status}: ${text.slice(0, 200)}` };
    };
    const lookups = await withCpu(child.pid!, () => closedLoop(16, Number.MAX_SAFE_INTEGER, o.loadMs, slash));
    // VmHWM is a high-water mark: read it before the mix raises it.
    const afterLookups = memOf(child.pid!);
    // The mix: one client sends 2,000-record NDJSON batches back to back while 16 clients look up.
    let mixing = true;
    let lookupsDone = false;
    const mixStats = { batches: 0, records: 0, batchesDuringLookups: 0, firstError: undefined as string | undefined };
    const mixStarted = performance.now();
    const ingester = (async () => {
      while (mixing) {
        const next = o.mixBodies.next();
        if (next.done) break;
        const r = await postNdjson(next.value);
        if ('error' in r) mixStats.firstError ??= r.error;
        else {
          mixStats.batches++;
          mixStats.records += r.accepted;
          if (!lookupsDone) mixStats.batchesDuringLookups++;
        }
      }
    })();
    const underIngest = await withCpu(child.pid!, () => closedLoop(16, Number.MAX_SAFE_INTEGER, o.loadMs, slash));
    // One client alone beside the ingest: the latency a single user sees, with cores to spare.
    const oneUnderIngest = await closedLoop(1, Number.MAX_SAFE_INTEGER, o.loadMs / 2, slash);
    lookupsDone = true;
    mixing = false;
    await ingester;
    const mix = { lookups: underIngest, one: oneUnderIngest, ...mixStats, seconds: (performance.now() - mixStarted) / 1000, mem: memOf(child.pid!) };
    let t = performance.now();
    // Bounded, so a server that hangs fails the figure instead of holding the whole run.
    const ing = await fetch(`${base}/v1/batch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: o.batchBody, signal: AbortSignal.timeout(120_000) });
    await ing.text();
    const ingestMs = performance.now() - t;
    t = performance.now();
    await (await fetch(`${base}/v1/metrics?range=all`, { headers: auth, signal: AbortSignal.timeout(120_000) })).text();
    const metricsMs = performance.now() - t;
    // Sustained ingest: two senders take the bodies in turn until none is left.
    const bodies = [...(o.loadBodies ?? [])];
    const sustainedStats = { records: 0, firstError: undefined as string | undefined };
    t = performance.now();
    await Promise.all([0, 1].map(async () => {
      for (let body = bodies.shift(); body !== undefined; body = bodies.shift()) {
        const r = await postNdjson(body);
        if ('error' in r) sustainedStats.firstError ??= r.error;
        else sustainedStats.records += r.accepted;
      }
    }));
    const sustained = o.loadBodies?.length ? { ...sustainedStats, seconds: (performance.now() - t) / 1000, mem: memOf(child.pid!) } : undefined;
    load = { idleMem, lookups, lookupOne, ingestMs, metricsMs, mem: afterLookups, mix, sustained };
  } finally {
    await stopChild(child);
  }
  return { service, raw, load };
}

/** Wall time of one process from spawn to exit; the output is drained and its end kept for errors. */
async function timedRun(args: string[], env: Record<string, string>) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-400)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-400)));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { ms: performance.now() - t0, ok: code === 0, out };
}

/**
 * `npx user360 lookup <id>` from a terminal as bin/user360.js runs it (the bundle dist/cli.js, built
 * by coldStart just before), beside the TypeScript sources through tsx (what the bin ran before) and
 * a bare `node -e 0` for what starting Node alone costs on this machine at this moment.
 */
export async function cliLookup(o: { dbPath: string; identifier: string; runs: number }) {
  const env = { DATABASE_URL: `file:${resolve(o.dbPath)}`, LOG_LEVEL: 'silent' };
  const bundled: Awaited<ReturnType<typeof timedRun>>[] = [];
  const tsx: Awaited<ReturnType<typeof timedRun>>[] = [];
  const bare: Awaited<ReturnType<typeof timedRun>>[] = [];
  for (let k = 0; k < o.runs; k++) {
    bundled.push(await timedRun(['bin/user360.js', 'lookup', o.identifier], env));
    tsx.push(await timedRun(['--import', 'tsx', 'src/cli/main.ts', 'lookup', o.identifier], env));
    bare.push(await timedRun(['-e', '0'], {}));
  }
  return { bundled, tsx, bare };
}
