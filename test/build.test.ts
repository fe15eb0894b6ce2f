/**
 * `npm start` from one install, several at once: each builds (or finds the build up to date) and runs
 * dist/main.js. A build never deletes what a running or starting instance may still load.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../src/build.ts';
import { SLACK_BOT } from './fakes/slack-api.ts';
import { createTestDb } from './support/db.ts';
import { freePort } from './support/net.ts';

const outdir = `dist-test-${process.pid}`;
const dir = join(process.cwd(), outdir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm start` with its outdir: build, then run the bundle; resolves when /healthz answers. */
async function start(url: string) {
  const port = await freePort();
  const child = spawn('sh', ['-c', `"${process.execPath}" --import tsx src/build.ts ${outdir} && exec "${process.execPath}" ${outdir}/main.js`], {
    env: {
      PATH: process.env.PATH, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'false', LOG_LEVEL: 'warn',
      // With Slack configured the service imports its Slack chunk at start, the file the old build deleted under it.
      SLACK_SIGNING_SECRET: 'build-test-secret', SLACK_BOT_TOKEN: SLACK_BOT.token, SLACK_API_URL: 'http://127.0.0.1:9',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${out}`);
      if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return;
      if (Date.now() > deadline) throw new Error(`no /healthz within 90 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    }
  }
}

describe('npm start, several at once from one install', () => {
  it('builds once or in parallel without breaking each other, and both instances come up', async () => {
    const { url } = await createTestDb();
    await Promise.all([start(url), start(url)]);
    expect(existsSync(join(dir, 'main.js'))).toBe(true);
  }, 180_000);

  it('skips the build when the sources are unchanged, and keeps the previous build’s files one build long', async () => {
    const main = statSync(join(dir, 'main.js')).mtimeMs;
    expect(await bundle(undefined, outdir)).toBe('up to date');
    expect(statSync(join(dir, 'main.js')).mtimeMs).toBe(main);
    // As if the last build had written a chunk that the current sources no longer make.
    const manifestPath = join(dir, 'build.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(join(dir, 'chunk-OLD.js'), 'export {};');
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, fingerprint: 'changed', files: [...manifest.files, 'chunk-OLD.js'] }));
    expect(await bundle(undefined, outdir)).toBe('built');
    expect(existsSync(join(dir, 'chunk-OLD.js')), 'a running instance of the previous build may still load it').toBe(true);
    const again = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...again, fingerprint: 'changed' }));
    expect(await bundle(undefined, outdir)).toBe('built');
    expect(existsSync(join(dir, 'chunk-OLD.js')), 'two builds old: removed').toBe(false);
  }, 120_000);
});
