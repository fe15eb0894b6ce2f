import type * as Vega from 'vega';

/**
 * The 30-day volume chart of the digest as a PNG: a vega bar-chart spec → SVG → resvg, in process with
 * system fonts; no browser, nothing fetched at run time. Plain vega rather than vega-lite: vega-lite
 * patches `Set.prototype.toJSON` on import, which breaks discord.js's event emitter when both load.
 */
export async function volumeChartPng(series: Series, title: string, partialDay?: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const svg = await volumeChartSvg(series, title, partialDay);
  return new Resvg(svg, { fitTo: { mode: 'width', value: 1200 }, font: { loadSystemFonts: true }, background: 'white' }).render().asPng();
}

type Series = { day: string; value_usdt: number }[];
const PARTIAL_LABEL = 'so far';

/**
 * The chart as SVG. `partialDay`, a day still running, is drawn lighter and labelled "so far": a short
 * last bar at full colour reads as a crash in volume.
 */
export async function volumeChartSvg(series: Series, title: string, partialDay?: string): Promise<string> {
  // Loaded on first use: the charting stack is heavy and only the digest needs it.
  const vega = await import('vega');
  const values = series.map((s) => ({ day: s.day.slice(5), value: s.value_usdt, partial: s.day === partialDay }));
  const spec: Vega.Spec = {
    width: 1000,
    height: 320,
    padding: 10,
    background: 'white',
    title: { text: title, fontSize: 16 },
    data: [
      { name: 'volume', values },
      { name: 'partial', source: 'volume', transform: [{ type: 'filter', expr: 'datum.partial' }] },
    ],
    scales: [
      { name: 'x', type: 'band', domain: { data: 'volume', field: 'day' }, range: 'width', padding: 0.1 },
      { name: 'y', type: 'linear', domain: { data: 'volume', field: 'value' }, range: 'height', nice: true, zero: true },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'GMT+8 day', labelAngle: -45, labelAlign: 'right' },
      { orient: 'left', scale: 'y', title: 'USDT', format: '~s', grid: true },
    ],
    marks: [
      {
        type: 'rect',
        from: { data: 'volume' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'day' },
            width: { scale: 'x', band: 1 },
            y: { scale: 'y', field: 'value' },
            y2: { scale: 'y', value: 0 },
            fill: [{ test: 'datum.partial', value: '#a5d6a7' }, { value: '#2e7d32' }],
          },
        },
      },
      {
        type: 'text',
        from: { data: 'partial' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'day', band: 0.5 },
            y: { scale: 'y', field: 'value', offset: -6 },
            align: { value: 'center' },
            fontSize: { value: 12 },
            fill: { value: '#555555' },
            text: { value: PARTIAL_LABEL },
          },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** A day still running says so in the title too. */
export const chartTitle = (d: { day: string; partial?: boolean }) => `Transaction volume, 30 days to ${d.day} (USDT)${d.partial ? `; ${d.day} so far` : ''}`;

/** The chart as a digest post attaches it. */
export async function digestChart(d: { day: string; series: Series; partial?: boolean }): Promise<{ name: string; data: Buffer; title: string }> {
  const data = await volumeChartPng(d.series, chartTitle(d), d.partial ? d.day : undefined);
  return { name: `user360-volume-${d.day}.png`, data, title: `Volume, 30 days to ${d.day}` };
}
