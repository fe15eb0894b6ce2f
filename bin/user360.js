#!/usr/bin/env node
/**
 * `npx user360`: runs the bundled terminal (dist/cli.js, made by src/build.ts with the service).
 * Compiling the TypeScript through tsx on every run took 3.5–9 s; the bundle answers a lookup in a
 * fraction of that. When the bundle is missing or older than a source file it is built once (runs
 * starting together wait for it); src/build.ts writes every file aside and renames it into place, so
 * no run ever sees half a build.
 */
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const entry = join(dist, 'cli.js');

/**
 * The bundle is fresh when no file it was made of changed after it: the sources esbuild read (the
 * `inputs` src/build.ts keeps in dist/build.json, which is exactly what the bundle holds, db/migrate.ts
 * and db/sql-names.ts included, which the list of folders this walked before missed), the lock file
 * (the bundled packages) and the build script. A stat per file and no directory walk; a file that is
 * gone, a missing or unreadable build.json, or no bundle at all (a fresh clone) means build. Editing an
 * import into a file changes that file, so a source new to the bundle is noticed through it.
 */
function fresh() {
  let built, inputs;
  try {
    built = statSync(entry).mtimeMs;
    inputs = JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8')).inputs;
  } catch {
    return false;
  }
  if (!Array.isArray(inputs) || !inputs.length) return false;
  return [...inputs, 'package.json', 'package-lock.json', 'src/build.ts'].every(
    (p) => (statSync(join(root, p), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= built,
  );
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
