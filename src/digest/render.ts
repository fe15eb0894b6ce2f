import type { OutgoingMessage } from '../notify/types.ts';
import { fmtInt, fmtUsdt, RISK_BADGE } from '../render/format.ts';
import { volumeChartPng } from './chart.ts';
import type { Digest } from './model.ts';

const signed = (c: Digest['transactions']['vs_previous_day']) =>
  c.percent === null ? `${c.delta >= 0 ? '+' : ''}${fmtUsdt(c.delta)} (no base)` : `${c.percent >= 0 ? '▲' : '▼'} ${Math.abs(c.percent)}% (${c.delta >= 0 ? '+' : ''}${fmtUsdt(c.delta)})`;

/** The digest as lines of label and value; every platform shows the same lines. */
export function digestLines(d: Digest): { title: string; sections: { name: string; lines: string[] }[] } {
  const t = d.transactions;
  return {
    title: `🐢 User 360 daily digest for ${d.day} (GMT+8)`,
    sections: [
      {
        name: 'Customers & KYC',
        lines: [
          `New customers: ${fmtInt(d.customers.new)}`,
          `KYC submitted ${fmtInt(d.kyc.submitted)} · verified ${fmtInt(d.kyc.verified)} · rejected ${fmtInt(d.kyc.rejected)}`,
          `Pending queue: ${fmtInt(d.kyc.pending_queue)}`,
        ],
      },
      {
        name: 'Risk',
        lines: [
          Object.entries(d.risk.by_level).map(([k, v]) => `${RISK_BADGE[k]} ${fmtInt(v)}`).join(' · '),
          `New today: high ${fmtInt(d.risk.new_high)} · very high ${fmtInt(d.risk.new_very_high)}`,
        ],
      },
      {
        name: 'Transactions',
        lines: [
          `${fmtInt(t.count)} transactions · ${fmtUsdt(t.value_usdt)}`,
          `vs previous day: ${signed(t.vs_previous_day)}`,
          `vs 7-day average (${fmtUsdt(t.vs_7day_average.base)}): ${signed(t.vs_7day_average)}`,
        ],
      },
      { name: 'By token', lines: t.by_token.length ? t.by_token.map((r) => `${r.token}: ${fmtUsdt(r.value_usdt)} (${fmtInt(r.count)})`) : ['—'] },
      { name: 'By chain', lines: t.by_chain.length ? t.by_chain.map((r) => `${r.chain}: ${fmtUsdt(r.value_usdt)} (${fmtInt(r.count)})`) : ['—'] },
      // Unified IDs only: a digest goes to a channel, and channels see no personal data.
      { name: 'Top 5 customers', lines: d.top_customers.length ? d.top_customers.map((c, i) => `${i + 1}. ${c.unified_id} · ${fmtUsdt(c.value_usdt)} (${fmtInt(c.count)})`) : ['—'] },
    ],
  };
}

export function digestText(d: Digest): string {
  const { title, sections } = digestLines(d);
  return [title, ...sections.flatMap((s) => ['', s.name, ...s.lines.map((l) => `  ${l}`)])].join('\n');
}

export async function digestMessage(d: Digest): Promise<OutgoingMessage> {
  const { title, sections } = digestLines(d);
  const chart = await volumeChartPng(d.series, `Transaction volume, 30 days to ${d.day} (USDT)`);
  return {
    text: title,
    slack: {
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
        ...sections.map((s) => ({ type: 'section', text: { type: 'mrkdwn', text: `*${s.name}*\n${s.lines.join('\n')}`.slice(0, 3000) } })),
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Volume chart for the last 30 days in the thread.' }] },
      ],
    },
    discord: {
      embeds: [
        {
          title: title.slice(0, 256),
          color: 0x2e7d32,
          fields: sections.map((s) => ({ name: s.name, value: s.lines.join('\n').slice(0, 1024), inline: false })),
          footer: { text: 'User 360 · figures for the GMT+8 day' },
        },
      ],
    },
    file: { name: `user360-volume-${d.day}.png`, data: chart, title: `Volume, 30 days to ${d.day}` },
  };
}
