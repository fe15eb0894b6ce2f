import type { Digest } from '../digest/model.ts';
import { fmtInt, fmtUsdt, RISK_BADGE } from './format.ts';

const signed = (c: Digest['transactions']['vs_previous_day']) =>
  c.percent === null ? `${c.delta >= 0 ? '+' : ''}${fmtUsdt(c.delta)} (no base)` : `${c.percent >= 0 ? '▲' : '▼'} ${Math.abs(c.percent)}% (${c.delta >= 0 ? '+' : ''}${fmtUsdt(c.delta)})`;

/**
 * The digest as titled groups of plain-text lines, shared by the Block Kit, embed and terminal renderers
 * so the three say the same thing. Lines hold data (token names), so each platform escapes them.
 */
export function digestLines(d: Digest): { title: string; sections: { name: string; lines: string[] }[] } {
  const t = d.transactions;
  // A day still running says so, and its comparisons are with the same hours of earlier days.
  const by = d.compared_until ? ` by ${d.compared_until}` : '';
  return {
    title: `🐢 User 360 daily digest for ${d.day} (GMT+8)${d.partial ? `, so far (to ${d.compared_until})` : ''}`,
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
          `vs previous day${by}: ${signed(t.vs_previous_day)}`,
          `vs 7-day average${by} (${fmtUsdt(t.vs_7day_average.base)}): ${signed(t.vs_7day_average)}`,
        ],
      },
      { name: 'By token', lines: t.by_token.length ? t.by_token.map((r) => `${r.token}: ${fmtUsdt(r.value_usdt)} (${fmtInt(r.count)})`) : ['—'] },
      { name: 'By chain', lines: t.by_chain.length ? t.by_chain.map((r) => `${r.chain}: ${fmtUsdt(r.value_usdt)} (${fmtInt(r.count)})`) : ['—'] },
      // Unified IDs only: a digest goes to a channel, and channels see no personal data.
      { name: 'Top 5 customers', lines: d.top_customers.length ? d.top_customers.map((c, i) => `${i + 1}. ${c.unified_id} · ${fmtUsdt(c.value_usdt)} (${fmtInt(c.count)})`) : ['—'] },
      // Followed segments: counts only, so the section stays free of personal data in a channel; a
      // segment matched on names and emails comes without them (the model holds none).
      ...(d.segments.length ? [{ name: 'Segments', lines: d.segments.map((g) => ('withheld' in g
        ? `${g.name}: not counted here (its words search names, emails and phones)`
        : `${g.name}: ${fmtInt(g.size)} (+${fmtInt(g.entered)} / −${fmtInt(g.exited)} today)`)) }] : []),
    ],
  };
}
