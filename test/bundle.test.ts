/**
 * `npm start` runs the esbuild bundle, not the sources: this builds it and starts it as a real process
 * on a fresh database with demo data, then drives the REST API, a signed Slack slash command and a
 * signed Discord interaction through a real port, so a module that does not survive bundling (a lazy
 * chunk, an external package, the migrations folder) fails here and not on someone's first start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../src/build.ts';
import { generateDiscordKeys, signDiscordRequest } from './fakes/discord-sign.ts';
import { SLACK_BOT, startFakeSlackApi, type FakeSlackApi } from './fakes/slack-api.ts';
import { signSlackRequest, slashCommandBody } from './fakes/slack-sign.ts';
import { freePort } from './support/net.ts';

const SECRET = 'bundle-test-signing-secret';
const discord = generateDiscordKeys();
let child: ChildProcess;
let base: string;
let output = '';
let slackApi: FakeSlackApi;
const dir = mkdtempSync(join(tmpdir(), 'u360-bundle-'));
// A folder of its own (one below the root, like dist/): the terminal tests run dist/cli.js meanwhile.
const outdir = `dist-test-${process.pid}`;

beforeAll(async () => {
  await bundle(undefined, outdir);
  slackApi = await startFakeSlackApi();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [`${outdir}/main.js`], {
    env: {
      PATH: process.env.PATH, DATABASE_URL: `file:${join(dir, 'u.db')}`, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'true', LOG_LEVEL: 'warn',
      // The ingest thread's worker is its own bundle entry (dist/ingest-thread.js), loaded from beside main.js.
      INGEST_THREAD: 'on',
      SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: SLACK_BOT.token, SLACK_API_URL: slackApi.url, SLACK_ADMINS: 'UADMIN',
      DISCORD_PUBLIC_KEY: discord.publicKeyHex, DISCORD_APPLICATION_ID: '100000000000000009', DISCORD_API_URL: 'http://127.0.0.1:9/api',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${outdir}/main.js exited with ${child.exitCode}:\n${output}`);
    const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    // The demo key is printed after the seed; wait for it too.
    if (up && /Bearer (u360_\S+?)'/.test(output)) break;
    if (Date.now() > deadline) throw new Error(`no /healthz within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await slackApi?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outdir, { recursive: true, force: true });
});

describe('the bundled service (npm start)', () => {
  it('migrates, seeds the demo data and answers a profile over REST', async () => {
    const key = /Bearer (u360_\S+?)'/.exec(output)![1]!;
    const res = await fetch(`${base}/v1/profiles/alice@example.com`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { unified_id: string; identifiers: { type: string; value: string }[] };
    expect(body.unified_id).toMatch(/^u_/);
    expect(body.identifiers).toContainEqual({ type: 'email', value: 'alice@example.com' });
  });

  it('ingests a pushed record on the ingest thread, from its own bundle', async () => {
    const key = /Bearer (u360_\S+?)'/.exec(output)![1]!;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const res = await fetch(`${base}/v1/identify`, { method: 'POST', headers, body: JSON.stringify({ id: 'bundle-thread-1', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email: 'thread@example.com' } }) });
    expect([res.status, await res.text()]).toEqual([200, expect.stringContaining('"accepted":1')]);
    const found = await fetch(`${base}/v1/profiles/thread@example.com`, { headers });
    expect(found.status).toBe(200);
  });

  it('serves the API reference at /docs with its assets from node_modules, and a pointer at /', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    const js = await fetch(`${base}/docs/assets/swagger-ui-dist/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect(await (await fetch(`${base}/`)).json()).toMatchObject({ docs: '/docs' });
    // The document is generated from the route declarations at run time, so the bundle must carry the generator.
    const doc = await (await fetch(`${base}/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/batch', '/v1/profiles/{identifier}']));
  });

  it('loads the Slack chunk and answers a signed slash command with a profile card', async () => {
    const body = slashCommandBody({ text: 'lookup alice@example.com', user_id: 'UADMIN', response_url: slackApi.responseUrl('bundle') });
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: { ...signSlackRequest(SECRET, body) }, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"blocks"');
    const bad = await fetch(`${base}/slack/events`, { method: 'POST', headers: { ...signSlackRequest('wrong-secret', body) }, body });
    expect(bad.status).toBe(401);
  });

  it('loads the Discord chunk and answers a signed PING', async () => {
    const body = JSON.stringify({ id: '1', type: 1, application_id: '100000000000000009', token: 't', version: 1 });
    const res = await fetch(`${base}/discord/interactions`, { method: 'POST', headers: { ...signDiscordRequest(discord.privateKey, body) }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
