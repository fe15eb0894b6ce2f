// README claims about `npx user360` that had no test: seed, --json, --section, keys list/revoke,
// conflicts, digest preview --png. The real bin script on a real file; independent calls run at once
// (each call compiles the CLI with tsx, which is most of its cost).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.ts';
import { parseConfig } from '../src/config.ts';
import { ingestRecords, prepareRecords } from '../src/ingest/ingest.ts';
import { cliOn } from './support/cli.ts';
import { randomEvm } from './support/factories.ts';

const { store, dir, cli } = await cliOn({ backend: 'file' });

describe('npx user360, the README claims', () => {
  // Planted: the terminal renderer printing every section whatever --section says: fails here.
  it('seeds, looks up as JSON and by section, revokes and lists keys, lists conflicts, previews the digest with its chart', async () => {
    for (const name of ['kyc-provider', 'wallet-indexer']) await createApiKey(store, name, Date.parse('2026-11-20T10:00:00+08:00'));
    const w = randomEvm();
    const cfg = parseConfig({}).identity;
    const { records } = prepareRecords(
      [
        { type: 'identify', id: 'cc-1', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: 'cc-a', wallets: [{ chain: 'ethereum', address: w }] } },
        { type: 'identify', id: 'cc-2', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: 'cc-b' } },
        { type: 'identify', id: 'cc-3', timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: 'cc-b', wallets: [{ chain: 'base', address: w }] } },
      ],
      cfg,
    );
    const r = await ingestRecords({ store, identity: cfg, clock: () => new Date() }, records, 'test');
    const [a, b] = [r.unifiedIds[0]!, r.unifiedIds[1]!];

    const seeded = await cli('seed', '--customers', '20');
    expect(seeded.stdout, seeded.stderr).toMatch(/^Seeded \d+ record\(s\) for 20 demo customers/);
    const [json, section, conflicts, digest, keys] = await Promise.all([
      cli('lookup', 'alice@example.com', '--json'),
      cli('lookup', 'alice@example.com', '--section', 'compliance'),
      cli('conflicts'),
      cli('digest', 'preview', '--date', '2026-11-24', '--png', join(dir, 'chart.png')),
      cli('keys', 'revoke', 'kyc-provider').then(async (revoked) => ({ revoked, list: await cli('keys', 'list') })),
    ]);

    const model = JSON.parse(json.stdout);
    expect(model).toMatchObject({ kind: 'profile', section: 'card', masked: false });
    expect(model.profile.identifiers).toContainEqual({ type: 'email', value: 'alice@example.com' });

    const headings = section.stdout.split('\n').filter((l) => /^[A-Z][a-zA-Z]+$/.test(l));
    expect(headings, section.stdout).toEqual(['Compliance']);

    expect(conflicts.stdout).toMatch(/^#\d+ .* {2}two external ids {2}/m);
    expect(conflicts.stdout).toContain(`${a} / ${b}`);
    expect(conflicts.stdout).toContain('(record identify cc-3)');

    expect(digest.stdout).toContain('2026-11-24');
    expect(digest.stdout).toContain(`Chart written to ${join(dir, 'chart.png')}`);
    expect([...readFileSync(join(dir, 'chart.png')).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    expect(keys.revoked.stdout).toContain('Revoked "kyc-provider".');
    const lines = keys.list.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.startsWith('kyc-provider'))).toMatch(/revoked \d{4}-\d{2}-\d{2} \d{2}:\d{2} GMT\+8$/);
    expect(lines.find((l) => l.startsWith('wallet-indexer'))).not.toContain('revoked');
    expect(keys.list.stdout, 'the list shows prefixes, never a whole key').not.toMatch(/u360_[\w-]{43}/);
    expect((await cli('keys', 'revoke', 'kyc-provider')).stderr).toContain('no active API key named "kyc-provider"');
  }, 240_000);
});
