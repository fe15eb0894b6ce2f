import { digestChart } from '../src/digest/chart.ts';
import type { Digest } from './types.ts';

/**
 * The digest's 30-day volume chart as PNG bytes (`npx user360 digest preview --png`). A file of its own so
 * that loading the digest command does not load the charting.
 */
export async function digestChartPng(digest: Digest): Promise<Buffer> {
  return (await digestChart(digest)).data;
}
