#!/usr/bin/env node
/**
 * `npx user360`: runs the bundled terminal (dist/cli.js, made by src/build.ts with the service).
 * Compiling the TypeScript through tsx on every run took 3.5–9 s; the bundle answers a lookup in a
 * fraction of that. When the bundle is missing or older than a source file it is built once (runs
 * starting together wait for it); src/build.ts writes every file aside and renames it into place, so
 * no run ever sees half a build.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const entry = join(dist, 'cli.js');
/** What the bundle is made of; db/migrations is read at run time and not bundled. */
const SOURCES = ['src', 'commands', 'db/schema', 'db/client.ts', 'db/native-tx.ts', 'package.json', 'package-lock.json'];

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

function fresh() {
  if (!existsSync(entry)) return false;
  const built = statSync(entry).mtimeMs;
  return SOURCES.every((s) => newest(join(root, s)) <= built);
}

async function build() {
  process.stderr.write('Building the user360 terminal bundle (once, after an install or a change)…\n');
  const { register } = await import('tsx/esm/api');
  register();
  const { bundle } = await import(pathToFileURL(join(root, 'src/build.ts')).href);
  // bundle() writes each file aside and renames it into place and never deletes what a running
  // service may still load, so building straight into dist/ is safe beside `npm start`.
  // Sources touched but unchanged: mark the bundle fresh so the next run skips this check.
  if ((await bundle(undefined, 'dist')) === 'up to date') utimesSync(entry, new Date(), new Date());
}

/**
 * One run builds while the others wait: the lock is a folder (mkdir is atomic). A lock older than
 * two minutes is from a build that died and is taken over.
 */
async function buildOnce() {
  const lock = join(root, 'dist.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 100));
      if (fresh()) return;
    }
  }
  try {
    if (!fresh()) await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (!fresh()) await buildOnce();
await import(pathToFileURL(entry).href);
