// The terminal's side of issue 16: `lookup … --section <list> --page <n>`, the card's recent
// transactions and the guards' sentence, as text and as JSON, through the real bin script.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliOn } from './support/cli.ts';

const { dir, cli } = await cliOn({ backend: 'suite', env: { IDENTIFIER_LIMITS: 'wallet=3' } });
const evm = (i: number) => `0x${(i + 1).toString(16).padStart(40, 'a')}`;

let uid = '';
beforeAll(async () => {
  const ids = { external_id: 'cp-1' };
  const file = join(dir, 'pages.ndjson');
  writeFileSync(file, [
    { type: 'identify', id: 'cp-i1', timestamp: '2026-11-20T01:00:00+08:00', identifiers: { ...ids, wallets: [0, 1, 2].map((i) => ({ chain: 'ethereum', address: evm(i) })) }, traits: { name: 'Cee Pager', tags: Array.from({ length: 25 }, (_, i) => `t${i}`) } },
    { type: 'identify', id: 'cp-i2', timestamp: '2026-11-20T02:00:00+08:00', identifiers: { ...ids, wallets: [3, 4].map((i) => ({ chain: 'ethereum', address: evm(i) })) } },
    ...Array.from({ length: 12 }, (_, i) => ({
      type: 'transaction', id: `cp-t${i}`, timestamp: `2026-11-20T${String(5 + i).padStart(2, '0')}:30:00+08:00`, identifiers: ids,
      chain: 'bsc', token: 'USDT', amount: String(i + 1), usdt_value: String(i + 1), direction: 'out', tx_hash: `0x${String(i).padStart(64, '0')}`,
    })),
  ].map((r) => JSON.stringify(r)).join('\n'));
  const imported = await cli('import', file, '--no-progress');
  expect(imported.stdout, imported.stderr).toContain('Imported 14 new record(s)');
  const json = JSON.parse((await cli('lookup', 'ext:cp-1', '--json')).stdout) as { profile: { unified_id: string } };
  uid = json.profile.unified_id;
}, 120_000);

describe('npx user360 lookup, lists and pages', () => {
  // Planted: render.ts without refusedText → no sentence; moreTransactions dropped → no pointer.
  it('prints the guards\' refusals and the newest transactions on the card, with the command for the rest', async () => {
    const r = await cli('lookup', 'ext:cp-1');
    expect(r.stdout, r.stderr).toContain('Identity guards: 2 more wallets refused by the per-customer limit. Kept for review: npx user360 conflicts');
    expect(r.stdout).toContain('Recent transactions');
    expect(r.stdout).toMatch(/2026-11-20 16:30 GMT\+8 out 12 USDT \(12\.00 USDT\) · bsc\n\s+0x0{62}11\n\s+https:\/\/bscscan\.com\/tx\/0x0{62}11/);
    expect(r.stdout).toContain(`…and 2 more: npx user360 lookup ${uid} --section transactions --page 2`);
  }, 120_000);

  it('prints one page of a list with the commands for the pages around it', async () => {
    const r = await cli('lookup', 'ext:cp-1', '--section', 'tags', '--page', '2');
    expect(r.code ?? 0, r.stderr).toBe(0);
    expect(r.stdout).toContain('Tags, page 2 of 3 (11–20 of 25)');
    expect(r.stdout.split('\n').filter((l) => /^ {2}t\d+$/.test(l))).toEqual(['  t18', '  t19', '  t2', '  t20', '  t21', '  t22', '  t23', '  t24', '  t3', '  t4']);
    expect(r.stdout).toContain(`previous: npx user360 lookup ${uid} --section tags --page 1`);
    expect(r.stdout).toContain(`next: npx user360 lookup ${uid} --section tags --page 3`);
  }, 120_000);

  it('gives the same models as JSON: a page of transactions, and the profile\'s refusals and recent transactions', async () => {
    const page = JSON.parse((await cli('lookup', 'ext:cp-1', '--section', 'transactions', '--page', '2', '--json')).stdout) as Record<string, any>;
    expect(page).toMatchObject({ kind: 'profile_list', list: 'transactions', page: 2, pages: 2, total: 12, per_page: 10 });
    expect(page.items.map((t: { amount: string }) => t.amount)).toEqual(['2', '1']);
    expect(page.items[0]).toMatchObject({ direction: 'out', token: 'USDT', value_usdt: 2, explorer_url: `https://bscscan.com/tx/0x${'0'.repeat(63)}1` });
    const card = JSON.parse((await cli('lookup', 'ext:cp-1', '--json')).stdout) as Record<string, any>;
    expect(card.profile.refused_by_guards).toEqual([{ kind: 'limit', identifier_type: 'wallet', count: 2, last_at: expect.any(String) }]);
    expect(card.profile.assetpro.recent_transactions).toHaveLength(10);
    expect(card.profile.assetpro.recent_transactions[0].at).toBe('2026-11-20T08:30:00.000Z');
  }, 120_000);

  it('refuses --page without a list section, and a page that is not a positive number, and documents both', async () => {
    const alone = await cli('lookup', 'ext:cp-1', '--page', '2');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--page goes with a list section: --section tags|identifiers|wallets|tasks|transactions');
    const zero = await cli('lookup', 'ext:cp-1', '--section', 'tags', '--page', '0');
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('expected a positive whole number');
    const help = await cli('lookup', '--help');
    expect(help.stdout).toContain('--page <n>');
    expect(help.stdout).toContain('--section tags --page 2');
  }, 120_000);
});
