/**
 * Bundles the service into dist/ for `npm start`: `npx tsx src/build.ts`.
 *
 * Started through tsx, the service spent most of its start-up compiling TypeScript and resolving a
 * few thousand module files (viem alone, for two address helpers, took half a second). One bundled,
 * tree-shaken file starts in well under a second. Packages with native parts or heavy lazy loaders
 * stay outside the bundle and load from node_modules as before; the chat SDKs and charting stay
 * lazy chunks, loaded only when a token or a digest needs them.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Native bindings, worker-thread loggers and SDKs that resolve files at run time stay in node_modules. */
const EXTERNAL = ['libsql', '@libsql/*', '@resvg/*', 'pino', 'pino-*', 'thread-stream', '@slack/*', 'discord.js', '@discordjs/*', 'vega', 'vega-*', 'swagger-ui-dist'];

// Bundled CommonJS modules call require(); an ES module has none unless it is made.
const BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * zod's `z` namespace carries every locale (360 kB, a fifth of what the terminal parsed per run) and
 * the code only ever uses the default English messages: `locales` is built with `en` alone.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/.test(args.importer) ? { path: join(args.resolveDir, '../locales/en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: root }));
  },
};

/**
 * The service (`dist/main.js`, what `npm start` runs) and the terminal (`dist/cli.js`, what
 * bin/user360.js runs). Each entry is bundled on its own (see bundle()).
 */
export const ENTRIES: NonNullable<BuildOptions['entryPoints']> = [
  { in: 'src/main.ts', out: 'main' },
  { in: 'src/cli/main.ts', out: 'cli' },
  // The ingest thread's worker (src/ingest/thread.ts), loaded by dist/main.js from beside it.
  { in: 'src/ingest/thread-worker.ts', out: 'ingest-thread' },
];

/** What a build wrote, kept beside it: enough to tell the next start whether building again is needed. */
interface Manifest {
  entries: string;
  fingerprint: string;
  inputs: string[];
  files: string[];
  previous: string[];
}

/**
 * Builds `entries` (paths from the repository root) into `outdir`, unless the last build there came
 * from the same sources. The output must sit one folder below the root: db/client.ts finds the
 * migrations at `../db/migrations` from its own file.
 *
 * Several instances may start from one install at the same moment, and instances already running
 * load lazy chunks (a chat SDK, the chart) long after they started. So nothing is ever deleted from
 * under them: every file is written aside and renamed into place (entry points last), chunk names
 * carry content hashes, and only files that neither this build nor the one before it wrote are
 * removed. Two builds racing write the same bytes under the same names.
 */
export async function bundle(entries: NonNullable<BuildOptions['entryPoints']> = ENTRIES, outdir = 'dist'): Promise<'built' | 'up to date'> {
  const dir = join(root, outdir);
  const manifestPath = join(dir, 'build.json');
  const prev = readManifest(manifestPath);
  const key = JSON.stringify(entries);
  if (prev && prev.entries === key && prev.files.every((f) => existsSync(join(dir, f))) && fingerprint(prev.inputs) === prev.fingerprint) return 'up to date';
  // One esbuild run per entry. esbuild places a module in the chunks of every entry that imports its
  // file, not only of those that use what it exports: built together, the terminal's static chunks
  // carried the service's viem client code (the viem/utils barrel imports ccip, which imports the
  // contract-call machinery) and zod's JSON-schema code (@hono/zod-openapi), ~145 kB it parsed on
  // every lookup. Apart, each entry's chunks hold what its own code paths reach; a module both use is
  // simply in both outputs. Chunk names carry content hashes, so the two runs never write one name
  // with different contents.
  const list = Array.isArray(entries) ? entries : Object.entries(entries).map(([out, path]) => ({ in: path, out }));
  const results = await Promise.all(list.map((entry) => buildOne([entry] as typeof entries, outdir)));
  const result = {
    outputFiles: results.flatMap((r) => r.outputFiles),
    metafile: { inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)), outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)) } as Metafile,
  };
  mkdirSync(dir, { recursive: true });
  const isEntry = (path: string) => Boolean(result.metafile.outputs[relative(root, path)]?.entryPoint);
  const seen = new Set<string>();
  const outputs = [...result.outputFiles].filter((f) => !seen.has(f.path) && seen.add(f.path)).sort((a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)));
  for (const f of outputs) writeAside(f.path, f.contents);
  const files = outputs.map((f) => relative(dir, f.path));
  // Bundled packages are covered by the lock file; hashing their thousands of files each start is not.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules'));
  const manifest: Manifest = { entries: key, fingerprint: fingerprint(inputs), inputs, files, previous: prev?.files ?? [] };
  writeAside(manifestPath, JSON.stringify(manifest, null, 1));
  const keep = new Set([...files, ...manifest.previous, 'build.json']);
  for (const name of readdirSync(dir)) {
    if (!keep.has(name) && !name.endsWith('.tmp') && statSync(join(dir, name)).isFile()) rmSync(join(dir, name), { force: true });
  }
  return 'built';
}

function buildOne(entryPoints: NonNullable<BuildOptions['entryPoints']>, outdir: string) {
  return build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    external: EXTERNAL,
    banner: { js: BANNER },
    plugins: [zodEnglishOnly],
    logLevel: 'warning',
    write: false,
    metafile: true,
  });
}

function readManifest(path: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The sources a build read, the lock file that pins the packages it bundled, and how it bundles them (this file). */
function fingerprint(inputs: string[]): string {
  const h = createHash('sha256');
  for (const p of [...inputs, 'package-lock.json', 'src/build.ts']) {
    h.update(p);
    h.update(existsSync(join(root, p)) ? readFileSync(join(root, p)) : 'missing');
  }
  return h.digest('hex');
}

/** Written under a temporary name and renamed: a reader sees the old file or the new one, never half. */
function writeAside(path: string, contents: Uint8Array | string) {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundle(ENTRIES, process.argv[2] ?? 'dist');
