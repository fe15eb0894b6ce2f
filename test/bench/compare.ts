/**
 * Before/after of two bench runs, figure by figure, as a Markdown table.
 *
 *   npx tsx test/bench/compare.ts before/bench.json after/bench.json
 */
import { readFileSync } from 'node:fs';
import type { Figure } from './report.ts';
import { tableRows } from './report.ts';

interface Run {
  commit: string;
  scale: number;
  date: string;
  loadAverage?: number[];
  figures: Figure[];
}

const [a, b] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')) as Run);
if (!a || !b) throw new Error('usage: compare.ts before.json after.json');
const before = new Map(tableRows(a.figures).map((r) => [r.figure, r]));
const rows = tableRows(b.figures);
console.log(`Scale ${b.scale}: before = ${a.commit} (${a.date.slice(0, 16)}Z, load ${a.loadAverage?.[0] ?? '?'}), after = ${b.commit} (${b.date.slice(0, 16)}Z, load ${b.loadAverage?.[0] ?? '?'})\n`);
console.log('| figure | before | after | baseline (after) | ratio (after) | goal | result (after) |\n| --- | ---: | ---: | ---: | ---: | --- | --- |');
for (const r of rows) {
  const old = before.get(r.figure);
  console.log(`| ${r.figure} | ${old?.value ?? '—'} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${r.result === 'MISS' ? '**MISS**' : r.result} |`);
}
