// The layer rules of ARCHITECTURE.md, checked on every import of every source file (tests and benches
// aside), read with the TypeScript compiler's own import scanner. A lower layer importing an upper
// one fails here, with the file and the import named.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Every .ts source under `dir`, tests excluded, as paths relative to the repository root. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.includes('.test-kit.'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The repository files `file` imports (relative imports only; packages are not layers). */
export function importsOf(file: string, text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((f) => f.startsWith('.')).map((f) => relative(ROOT, resolve(ROOT, dirname(file), f)));
}

const ADAPTERS = ['src/slack/', 'src/discord/', 'src/http/', 'src/cli/', 'src/delivery/notifiers/slack.ts', 'src/delivery/notifiers/discord.ts'];
const RULES = ['src/identity/', 'src/metrics/', 'src/compliance/', 'src/profile/', 'src/access/', 'src/ingest/', 'src/seed/', 'src/auth/', 'src/digest/', 'src/delivery/'];
// The notifier interface is what the Slack and Discord senders implement; it is theirs to import.
const ADAPTER_MAY_IMPORT = ['src/delivery/notifiers/'];
const WIRING = ['src/app.ts', 'src/main.ts', 'src/build.ts'];
const under = (file: string, prefixes: readonly string[]) => prefixes.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
const isDomain = (file: string) => file.startsWith('src/') && !under(file, ADAPTERS) && !under(file, WIRING);

/** Each rule: which files it covers, and which of their imports break it. */
export const LAYER_RULES: Array<{ name: string; covers: (f: string) => boolean; forbids: (imported: string) => boolean }> = [
  { name: 'an adapter reaches the rules only through commands/', covers: (f) => under(f, ADAPTERS), forbids: (i) => under(i, RULES) && !under(i, ADAPTER_MAY_IMPORT) },
  { name: 'db/ imports nothing above it', covers: (f) => f.startsWith('db/'), forbids: (i) => !i.startsWith('db/') },
  { name: 'the domain never imports adapters, commands or the wiring', covers: isDomain, forbids: (i) => under(i, ADAPTERS) || i.startsWith('commands/') || under(i, WIRING) },
  { name: 'commands/ never imports adapters or the wiring', covers: (f) => f.startsWith('commands/'), forbids: (i) => under(i, ADAPTERS) || under(i, WIRING) },
];

export function layerViolations(files: Array<{ file: string; text?: string }>): string[] {
  const out: string[] = [];
  for (const { file, text } of files) {
    for (const imported of importsOf(file, text)) {
      for (const rule of LAYER_RULES) if (rule.covers(file) && rule.forbids(imported)) out.push(`${file} imports ${imported}: ${rule.name}`);
    }
  }
  return out;
}

describe('layers', () => {
  const files = [...sources('src'), ...sources('commands'), ...sources('db')];

  it('hold for every source file', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(layerViolations(files.map((file) => ({ file })))).toEqual([]);
  });

  it.each([
    ['src/slack/blocks.ts', "import { findCustomer } from '../profile/find.ts';"],
    ['src/http/read.ts', "import type { Profile } from '../profile/profile.ts';"],
    ['src/http/auth.ts', "import { verifyApiKey } from '../auth/api-keys.ts';"],
    ['src/http/ingest.ts', "import { ingestRecords } from '../ingest/ingest.ts';"],
    ['src/cli/main.ts', "const { seedDemo } = await import('../seed/demo.ts');"],
    ['src/cli/render.ts', "import type { Digest } from '../digest/model.ts';"],
    ['src/slack/digest-blocks.ts', "import { failedDeliveries } from '../delivery/deliveries.ts';"],
    ['db/client.ts', "import { loadConfig } from '../src/config.ts';"],
    ['src/compliance/alert-view.ts', "import { escape } from '../slack/escape.ts';"],
    ['src/identity/resolve.ts', "import { lookup } from '../../commands/lookup.ts';"],
    ['commands/lookup.ts', "import { renderSlack } from '../src/slack/blocks.ts';"],
  ])('catch a lower layer importing an upper one (%s)', (file, bad) => {
    const text = `${readFileSync(join(ROOT, file), 'utf8')}\n${bad}\n`;
    expect(layerViolations([{ file, text }])).toHaveLength(1);
  });
});
