// The profile card's paged lists on Slack (issue 16): Previous/Next through the real Bolt App, re-read
// and re-masked for whoever clicks; recent transactions with explorer links only for real hashes; and
// the card saying what the identity guards refused. Customers come through the real ingest path.
import { desc } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.ts';
import { body } from '../../test/support/app.ts';
import { ingest, randomEvm } from '../../test/support/factories.ts';
import { checkSlackLimits } from './blocks.ts';
import { ADMIN, slackHarness, visible } from './slack.test-kit.ts';

const COMPLIANCE = 'UCOMPL9';
const HASH = `0x${'ab'.repeat(32)}`;
const TRON_HASH = 'cd'.repeat(32);
const HOSTILE = '<https://evil.example|click> <!channel>';
let h: Awaited<ReturnType<typeof slackHarness>>;
let uid = '';

beforeAll(async () => {
  // A wallet limit of 3 so the guards have something to refuse.
  h = await slackHarness({ env: { IDENTIFIER_LIMITS: 'wallet=3' } });
  const ids = { external_id: 'pg-1' };
  const at = (hour: number) => `2026-11-20T${String(hour).padStart(2, '0')}:00:00+08:00`;
  const extra = Array.from({ length: 5 }, () => ({ chain: 'ethereum', address: randomEvm() }));
  const r = await ingest(h.deps, [
    {
      type: 'identify', id: 'pg-i1', timestamp: at(1),
      identifiers: { ...ids, email: 'pager@example.com', kakao_id: Array.from({ length: 12 }, (_, i) => `pager_k${i}`), wallets: Array.from({ length: 3 }, () => ({ chain: 'ethereum', address: randomEvm() })) },
      traits: { name: 'Paige Pager', tags: ['<!channel>', ...Array.from({ length: 14 }, (_, i) => `tag-${i}`)] },
    },
    // Five more wallets than the limit, sent twice: still five refused values, not ten.
    { type: 'identify', id: 'pg-i2', timestamp: at(2), identifiers: { ...ids, wallets: extra } },
    { type: 'identify', id: 'pg-i3', timestamp: at(3), identifiers: { ...ids, wallets: extra } },
    // Twelve transactions an hour apart (hour 5 is the oldest); three carry special hashes.
    ...Array.from({ length: 12 }, (_, i) => ({
      type: 'transaction', id: `pg-t${i}`, timestamp: at(5 + i), identifiers: ids,
      chain: i === 10 ? 'tron' : 'ethereum', token: `TK${i}`, amount: `${i + 1}.5`, usdt_value: String(i + 1), direction: i % 2 ? 'out' : 'in',
      ...(i === 11 ? { tx_hash: HASH } : i === 10 ? { tx_hash: TRON_HASH } : i === 9 ? { tx_hash: HOSTILE } : {}),
    })),
  ]);
  uid = r.unifiedIds[0]!;
  await h.command(`roles grant <@${COMPLIANCE}|carol> compliance`, ADMIN).res;
});

async function page(value: string, user = 'U1', action = 'user360_page:next') {
  const { res, responseUrl } = h.press(action, value, user);
  expect((await res).status).toBe(200);
  const reply = await h.responded(responseUrl);
  expect(checkSlackLimits(reply as never), visible(reply).slice(0, 500)).toEqual([]);
  return reply;
}
const buttonsOf = (reply: Record<string, any>) => (reply.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements) as { action_id: string; value: string }[];

describe('what the guards refused', () => {
  // Planted: the card without refusedBlock → no sentence; count(*) instead of count(DISTINCT …) in
  // lists.ts → "10 more wallets"; both fail here.
  it('is stated on the card and on the wallets list, counted once per refused value', async () => {
    const r = await h.command(`lookup ext:pg-1`);
    const card = await body(await r.res);
    expect(checkSlackLimits(card)).toEqual([]);
    expect(visible(card)).toContain('⚠️ Identity guards: 5 more wallets refused by the per-customer limit. Kept for review: `npx user360 conflicts`');
    expect(visible(card)).toContain('*Wallets* (3)');
    const wallets = await page(`${uid}:wallets:1`);
    expect(visible(wallets)).toContain('5 more wallets refused by the per-customer limit');
    // Tags have nothing refused, so say nothing about it.
    expect(visible(await page(`${uid}:tags:1`))).not.toContain('Identity guards');
  });
});

describe('recent transactions', () => {
  // Planted: ORDER BY at ASC in lists.ts → the first line is the oldest; the hex check dropped from
  // txExplorerUrl → the hostile hash becomes a link (fails the not.toContain).
  it('come newest first with GMT+8 times, direction, amount, USDT value and explorer links for real hashes', async () => {
    const card = visible(await body(await h.command('lookup ext:pg-1').res));
    expect(card).toContain('*Recent transactions* (12)');
    expect(card).toContain(`2026-11-20 16:00 GMT+8 · out 12.5 TK11 (12.00 USDT) · ethereum · <https://etherscan.io/tx/${HASH}|0xabababab…ababab>`);
    expect(card).toContain('…and 7 more: press Transactions');

    const first = await page(`${uid}:transactions:1`);
    const shown = visible(first);
    const times = [...shown.matchAll(/2026-11-20 (\d\d):00 GMT\+8/g)].map((m) => m[1]);
    expect(times).toEqual(['16', '15', '14', '13', '12', '11', '10', '09', '08', '07']);
    expect(shown).toContain(`<https://tronscan.org/#/transaction/${TRON_HASH}|cdcdcdcdcd…cdcdcd>`);
    expect(shown).toContain('tx &lt;https://evil.example|click&gt; &lt;!channel&gt;');
    expect(shown).not.toContain('<https://evil');
    expect(shown).not.toContain('<!channel>');
    expect(shown).toContain('Recent transactions · page 1 of 2 · 1–10 of 12 · newest first, GMT+8');

    const second = await page(buttonsOf(first).find((b) => b.action_id === 'user360_page:next')!.value);
    expect([...visible(second).matchAll(/2026-11-20 (\d\d):00 GMT\+8/g)].map((m) => m[1])).toEqual(['06', '05']);
    expect(visible(second)).toContain('no tx hash');
    expect(buttonsOf(second).map((b) => b.action_id)).toEqual(['user360_page:prev', 'user360_section:card']);
  });
});

describe('page buttons', () => {
  // Planted: the handler reusing the role of whoever ran the command (ADMIN) → the viewer sees whole
  // handles; a missing audit row for page clicks → the audit expectation fails.
  it('re-read the page for whoever clicks: masked for a viewer, whole for compliance, audited', async () => {
    const viewer = visible(await page(`${uid}:identifiers:2`, 'UVIEW1'));
    expect(viewer).toContain('Identifiers · page 2 of 2 · 11–14 of 14');
    expect(viewer).toContain('🔒 personal data masked');
    expect(viewer).toContain('kakao id: p***');
    expect(viewer).not.toContain('pager_k');
    const [row] = await h.store.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(row).toMatchObject({ platform: 'slack', callerId: 'UVIEW1', command: 'lookup:identifiers:p2', identifierType: 'unified_id', unifiedId: uid });

    const officer = visible(await page(`${uid}:identifiers:2`, COMPLIANCE));
    expect(officer).toContain('pager_k');
    expect(officer).not.toContain('masked');
  });

  it('escape what they list', async () => {
    const tags = visible(await page(`${uid}:tags:1`));
    expect(tags).toContain('• &lt;!channel&gt;');
    expect(tags).not.toContain('<!channel>');
  });

  it('say so when the page is past the end, and show the last one', async () => {
    const shown = visible(await page(`${uid}:tags:99`));
    expect(shown).toContain('Page 99 is past the end: there are 2 pages now, and this is the last.');
    expect(shown).toContain('Tags · page 2 of 2 · 11–15 of 15');
  });

  // Planted: parsePageValue accepting any list name ([a-z]+) → `secrets` reaches lookup and answers
  // something other than the refusal.
  it.each([
    ['a list that does not exist', () => `${uid}:secrets:1`],
    ['page zero', () => `${uid}:tags:0`],
    ['a page that is not a number', () => `${uid}:tags:two`],
    ['not a unified id', () => '<@U1>:tags:1'],
    ['an oversized value', () => `${uid}:tags:1${' '.repeat(2000)}`],
    ['no value at all', () => ''],
  ])('answer a tampered value (%s) plainly, in a message of its own', async (_what, value) => {
    const before = await h.store.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    const { res, responseUrl } = h.press('user360_page:next', value());
    expect((await res).status).toBe(200);
    const reply = await h.responded(responseUrl);
    expect(reply).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(visible(reply)).toContain('That page button is not valid');
    const after = await h.store.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(after, 'nothing was looked up').toEqual(before);
  });
});
