import { describe, expect, it } from 'vitest';
import { createTestStore, settableClock, testConfig } from '../test/support/db.ts';
import { ingest, uniq } from '../test/support/factories.ts';
import { renderText } from '../src/cli/render.ts';
import { runCommandText } from './index.ts';
import { tokenize } from './parse.ts';
import type { CommandContext } from './types.ts';

const store = await createTestStore();
const config = testConfig();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const ctx = (role: CommandContext['caller']['role'] = 'viewer'): CommandContext => ({ store, identity: config.identity, clock, caller: { platform: 'cli', userId: 'U1', role } });

const big = uniq('c-');
const small = uniq('c-');
await ingest({ store, identity: config.identity, clock }, [
  ...[big, small].map((ext) => ({ type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: ext } })),
  { type: 'transaction', timestamp: '2026-11-24T10:00:00+08:00', identifiers: { external_id: big }, chain: 'tron', token: 'USDT', amount: '900', usdt_value: '900', direction: 'in' },
  { type: 'transaction', timestamp: '2026-11-24T10:00:00+08:00', identifiers: { external_id: small }, chain: 'tron', token: 'USDT', amount: '9', usdt_value: '9', direction: 'in' },
]);

describe('the slash-command grammar', () => {
  it('keeps Slack links and quoted words together', () => {
    expect(tokenize('lookup <mailto:a@b.co|a@b.co>')).toEqual(['lookup', '<mailto:a@b.co|a@b.co>']);
    expect(tokenize('roles grant <@U1|ann> compliance')).toEqual(['roles', 'grant', '<@U1|ann>', 'compliance']);
    expect(tokenize('lookup "ext:a b"')).toEqual(['lookup', 'ext:a b']);
  });

  it('answers unknown and malformed input with a short error and the usage, never a throw', async () => {
    for (const text of ['frobnicate', 'lookup', 'metrics 8x', 'metrics 7d 30d', 'top 30d 0', 'top 1 2 3', 'lookup ???']) {
      const r = await runCommandText(text, ctx());
      expect(r.kind, text).toBe('usage_error');
      expect(renderText(r), text).not.toMatch(/\bat .*\.ts:\d+/);
    }
    expect((await runCommandText('', ctx())).kind).toBe('help');
    expect((await runCommandText('HELP', ctx())).kind).toBe('help');
  });

  it('finds a customer through a Slack-linked email and answers not found for an unknown one, masked for a viewer', async () => {
    const r = await runCommandText('lookup <mailto:Nobody@Example.com|Nobody@Example.com>', ctx());
    expect(r).toMatchObject({ kind: 'not_found', query: 'n***@example.com' });
    expect(renderText(r)).toContain('No customer found for email n***@example.com');
  });

  it('ranks top customers by volume and honours n', async () => {
    const r = await runCommandText('top 7d 1', ctx());
    expect(r.kind).toBe('top');
    if (r.kind !== 'top') return;
    expect(r.customers).toHaveLength(1);
    expect(r.customers[0]!.value_usdt).toBe(900);
    const m = await runCommandText('metrics 2026-11-24..2026-11-24', ctx());
    expect(m.kind === 'metrics' && m.metrics.assetpro.transaction_value_usdt).toBe(909);
  });
});
