/**
 * Bundles the service into dist/ for `npm start`: `npx tsx src/build.ts`.
 *
 * Started through tsx, the service spent most of its start-up compiling TypeScript and resolving a
 * few thousand module files (viem alone, for two address helpers, took half a second). One bundled,
 * tree-shaken file starts in well under a second. Packages with native parts or heavy lazy loaders
 * stay outside the bundle and load from node_modules as before; the chat SDKs and charting stay
 * lazy chunks, loaded only when a token or a digest needs them.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Native bindings, worker-thread loggers and SDKs that resolve files at run time stay in node_modules. */
const EXTERNAL = ['libsql', '@libsql/*', '@resvg/*', 'pino', 'pino-*', 'thread-stream', '@slack/*', 'discord.js', '@discordjs/*', 'vega', 'vega-*'];

// Bundled CommonJS modules call require(); an ES module has none unless it is made.
const BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Builds `entries` (paths from the repository root) into `outdir`. The output must sit one folder
 * below the root: db/client.ts finds the migrations at `../db/migrations` from its own file.
 */
export async function bundle(entries: string[] = ['src/main.ts'], outdir = 'dist'): Promise<void> {
  // Chunk names carry content hashes; old ones would pile up.
  rmSync(join(root, outdir), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    external: EXTERNAL,
    banner: { js: BANNER },
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundle();
