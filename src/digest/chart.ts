import type * as Vega from 'vega';

/**
 * The 30-day volume chart of the digest as a PNG: a vega bar-chart spec → SVG → resvg, in process with
 * system fonts; no browser, nothing fetched at run time. Plain vega rather than vega-lite: vega-lite
 * patches `Set.prototype.toJSON` on import, which breaks discord.js's event emitter when both load.
 */
export async function volumeChartPng(series: { day: string; value_usdt: number }[], title: string): Promise<Buffer> {
  // Loaded on first use: the charting stack is heavy and only the nightly digest needs it.
  const [vega, { Resvg }] = await Promise.all([import('vega'), import('@resvg/resvg-js')]);
  const spec: Vega.Spec = {
    width: 1000,
    height: 320,
    padding: 10,
    background: 'white',
    title: { text: title, fontSize: 16 },
    data: [{ name: 'volume', values: series.map((s) => ({ day: s.day.slice(5), value: s.value_usdt })) }],
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
            fill: { value: '#2e7d32' },
          },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return new Resvg(svg, { fitTo: { mode: 'width', value: 1200 }, font: { loadSystemFonts: true }, background: 'white' }).render().asPng();
}

/** The chart as a digest post attaches it. */
export async function digestChart(d: { day: string; series: { day: string; value_usdt: number }[] }): Promise<{ name: string; data: Buffer; title: string }> {
  const data = await volumeChartPng(d.series, `Transaction volume, 30 days to ${d.day} (USDT)`);
  return { name: `user360-volume-${d.day}.png`, data, title: `Volume, 30 days to ${d.day}` };
}
