// Every message the Slack adapter can send stays inside Block Kit's limits, even for a customer with
// 200 wallets and oversized fields, because Slack refuses the whole message when one limit is broken.
import { beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../../commands/help.ts';
import type { CommandResult } from '../../commands/types.ts';
import { body } from '../../test/support/app.ts';
import { ingest, randomEvm } from '../../test/support/factories.ts';
import { checkSlackLimits, renderSlack } from './blocks.ts';
import { esc, LIMITS } from './limits.ts';
import { ADMIN, slackHarness, visible } from './slack.test-kit.ts';

const WALLETS = 200;
let h: Awaited<ReturnType<typeof slackHarness>>;
let whale: string;

beforeAll(async () => {
  h = await slackHarness();
  const ts = (minutesAgo: number) => new Date(h.clock().getTime() - minutesAgo * 60_000).toISOString();
  const ids = { external_id: 'whale-1' };
  const long = (i: number) => `${'Very long label '.repeat(4)}${i}`;
  const result = await ingest(h.deps, [
    {
      type: 'identify', id: 'w-id', timestamp: ts(100),
      identifiers: { ...ids, email: Array.from({ length: 5 }, (_, i) => `whale${i}@example.com`), wallets: Array.from({ length: WALLETS }, () => ({ chain: 'ethereum', address: randomEvm() })) },
      traits: { name: 'W'.repeat(200), tags: Array.from({ length: 100 }, (_, i) => long(i)) },
    },
    { type: 'kyc', id: 'w-kyc', timestamp: ts(90), identifiers: ids, status: 'pending', risk_score: 100, tasks: Array.from({ length: 100 }, (_, i) => ({ id: `T-${i}`, name: long(i), status: 'open' })) },
    ...Array.from({ length: 30 }, (_, i) => ({
      type: 'transaction', id: `w-tx-${i}`, timestamp: ts(80 - i), identifiers: ids, chain: 'ethereum', token: `TOKEN${i}`, amount: '10', usdt_value: '10', direction: 'in',
    })),
    {
      type: 'event', id: 'w-ev', timestamp: ts(10), identifiers: ids, name: 'session_start', session_id: 's-1',
      device: { id: 'd'.repeat(200), model: 'm'.repeat(200), os: 'o'.repeat(100), city: 'c'.repeat(100), language: 'zh-TW', timezone: 'Asia/Taipei' },
    },
    ...Array.from({ length: 60 }, (_, i) => ({
      type: 'transaction', id: `other-tx-${i}`, timestamp: ts(70), identifiers: { external_id: `other-${i}` }, chain: 'tron', token: 'USDT', amount: String(i + 1), usdt_value: String(i + 1), direction: 'in',
    })),
  ]);
  whale = result.unifiedIds[0]!;
});

async function checked(res: Response | Promise<Response>) {
  const r = await res;
  const json = await body(r);
  expect(r.status, JSON.stringify(json)).toBe(200);
  expect(checkSlackLimits(json), visible(json).slice(0, 2000)).toEqual([]);
  return json;
}

describe(`a customer with ${WALLETS} wallets`, () => {
  it('gets a card within the limits, for a viewer and for an admin', async () => {
    for (const user of ['U1', ADMIN]) {
      const card = await checked(h.command(`lookup ext:whale-1`, user).res);
      expect(visible(card)).toContain(`*Wallets* (${WALLETS})`);
      expect(visible(card)).toContain(`…and ${WALLETS - 5} more: press *Wallets*`);
    }
  });

  it('gets every section view within the limits, long lists pointing at their pages', async () => {
    for (const section of ['general', 'compliance', 'wallets', 'assetpro', 'transactions', 'purchases', 'device', 'card']) {
      const { res, responseUrl } = h.click(section, whale, ADMIN);
      await res;
      const reply = await h.responded(responseUrl);
      expect(checkSlackLimits(reply as never), `${section}: ${visible(reply).slice(0, 500)}`).toEqual([]);
      if (section === 'general') expect(visible(reply)).toMatch(/…and 9\d more: press Tags/);
      if (section === 'compliance') expect(visible(reply)).toMatch(/…and 9\d more: press KYC tasks/);
      if (section === 'wallets') expect(visible(reply)).toContain(`Wallets · page 1 of ${WALLETS / 10} · 1–10 of ${WALLETS}`);
    }
  });

  // Planted: PAGE_SIZE used as the offset step off by one (`(page - 1) * PAGE_SIZE + 1`) → a wallet is
  // never shown and the count falls short; Next offered on the last page → the walk never ends at 20.
  it('pages through all of its wallets, tags and KYC tasks with Next, each page within the limits', async () => {
    for (const [list, total, pattern] of [
      ['wallets', WALLETS, /<https:\/\/etherscan\.io\/address\/(0x[0-9a-fA-F]{40})\|/g],
      ['tags', 100, /• (Very long label (?:Very long label ){3}\d+)/g],
      ['tasks', 100, /• (T-\d+) /g],
      ['transactions', 30, /(TOKEN\d+)/g],
    ] as const) {
      const seen: string[] = [];
      let value: string | undefined = `${whale}:${list}:1`;
      let pages = 0;
      while (value) {
        const { res, responseUrl } = h.press('user360_page:next', value, ADMIN);
        await res;
        const reply = await h.responded(responseUrl);
        expect(checkSlackLimits(reply as never), visible(reply).slice(0, 500)).toEqual([]);
        pages++;
        seen.push(...[...visible(reply).matchAll(pattern)].map((m) => m[1]!));
        const nav = reply.blocks.at(-1).elements as { action_id: string; value: string }[];
        value = nav.find((b) => b.action_id === 'user360_page:next')?.value;
        if (pages > 1) expect(nav.some((b) => b.action_id === 'user360_page:prev')).toBe(true);
        expect(value?.length ?? 0).toBeLessThanOrEqual(2000);
      }
      expect(pages, list).toBe(total / 10);
      expect(new Set(seen).size, list).toBe(total);
      expect(seen, list).toHaveLength(total);
    }
  });

  it('leaves metrics and the top-50 list within the limits', async () => {
    const metrics = await checked(h.command('metrics all').res);
    expect(visible(metrics)).toContain('*AssetPro*');
    const top = await checked(h.command('top all 50').res);
    expect(visible(top)).toContain('50. `u_');
  });

  it('needed one auth.test for all of these requests', () => {
    expect(h.api.callsTo('auth.test')).toHaveLength(1);
  });
});

describe('renderSlack on its own', () => {
  const results: CommandResult[] = [
    { kind: 'not_found', query: 'x'.repeat(5000), message: `No customer found for external id ${'x'.repeat(5000)}.` },
    { kind: 'help', usage: USAGE },
    { kind: 'usage_error', message: 'e'.repeat(4000), usage: USAGE },
    { kind: 'usage_error', message: 'bad', usage: [] },
    { kind: 'notice', ok: true, title: 't'.repeat(500), lines: Array.from({ length: 500 }, (_, i) => `line ${i} ${'n'.repeat(50)}`) },
    { kind: 'top', range: { from: '2026-11-01', to: '2026-11-30', label: '30d' }, customers: [] },
  ];
  it.each(results.map((r) => [r.kind, r] as const))('%s stays within the limits', (_kind, r) => {
    expect(checkSlackLimits(renderSlack(r))).toEqual([]);
  });

  it('marks figures that include nightly-rollup days with 🐢, and "(now)" figures as real-time', () => {
    const metrics = (rollupDays: number) => ({
      kind: 'metrics' as const,
      metrics: {
        range: { from: '2026-10-27', to: '2026-11-25', label: '30d' },
        compliance: { new_customers: 3, kyc_submitted: 2, kyc_verified: 1, kyc_rejected: 0, pending_queue: 4, customers_by_risk_level: { low: 1, low_medium: 0, medium: 0, high: 2, very_high: 0 }, new_high_risk: 1, new_very_high_risk: 0 },
        assetpro: { transaction_count: 5, transaction_value_usdt: 1234.5, by_token: [{ token: 'USDT', chain: '', count: 5, value_usdt: 1234.5 }], by_chain: [{ token: '', chain: 'tron', count: 5, value_usdt: 1234.5 }], by_acquisition_source: [], by_day: [], top_customers: [] },
        sources: { rollup_days: rollupDays, live_days: 30 - rollupDays, rollup_through: rollupDays ? '2026-11-24' : null },
      },
    });
    const rolled = visible(renderSlack(metrics(29)));
    expect(rolled).toContain('*Transactions 🐢*');
    expect(rolled).toContain('*Pending queue (now)*');
    expect(rolled).toContain('29 day(s) from the nightly rollup (through 2026-11-24), 1 read live');
    expect(rolled).toContain('1,234.50 USDT');
    const live = visible(renderSlack(metrics(0)));
    expect(live).not.toContain('🐢');
    expect(live).toContain('all figures real-time');
  });

  it('escapes data so it cannot ping a channel or forge a link', () => {
    const shown = visible(renderSlack({ kind: 'notice', ok: false, title: '<!channel> hi', lines: ['<https://evil.example|click>', 'keep <@U123>'] }));
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil');
    expect(shown).toContain('keep <@U123>');
    expect(esc('a & b')).toBe('a &amp; b');
  });

  it('reports broken limits', () => {
    const problems = checkSlackLimits({
      text: 'x',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) },
        ...Array.from({ length: 50 }, () => ({ type: 'divider' as const })),
      ],
    });
    expect(problems).toEqual([`blocks: 52 > ${LIMITS.blocks}`, 'block 0 (header) header text: 151 > 150', 'block 1 (section) fields: 11 > 10']);
  });
});
