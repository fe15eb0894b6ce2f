/** The bench's table (terminal and Markdown) and its JSON file. */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface Figure {
  figure: string;
  unit: string;
  value: number | null;
  baseline?: number | null;
  baselineName?: string;
  /** value ÷ baseline */
  ratio?: number | null;
  goal?: string;
  pass?: boolean | null;
  note?: string;
}

/** A figure with a goal on its value and, optionally, on its ratio to the baseline. */
export function figure(f: Omit<Figure, 'ratio' | 'pass'> & { max?: number; min?: number; ratioMax?: number; ratioMin?: number }): Figure {
  const { max, min, ratioMax, ratioMin, ...rest } = f;
  const ratio = f.value != null && f.baseline ? f.value / f.baseline : null;
  const checks: boolean[] = [];
  const hasGoal = [max, min, ratioMax, ratioMin].some((g) => g !== undefined);
  if (f.value == null) {
    if (hasGoal) checks.push(false);
  } else {
    if (max !== undefined) checks.push(f.value <= max);
    if (min !== undefined) checks.push(f.value >= min);
    if (ratioMax !== undefined) checks.push(ratio !== null && ratio <= ratioMax);
    if (ratioMin !== undefined) checks.push(ratio !== null && ratio >= ratioMin);
  }
  return { ...rest, ratio, pass: checks.length ? checks.every(Boolean) : null };
}

const num = (v: number | null | undefined, unit: string) => {
  if (v == null || Number.isNaN(v)) return '—';
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
};

export function tableRows(figures: Figure[]) {
  return figures.map((f) => ({
    figure: f.figure,
    value: num(f.value, f.unit),
    baseline: f.baseline == null ? '—' : `${num(f.baseline, f.unit)}${f.baselineName ? ` (${f.baselineName})` : ''}`,
    ratio: f.ratio == null ? '—' : `${f.ratio >= 10 ? f.ratio.toFixed(0) : f.ratio.toFixed(2)}×`,
    goal: f.goal ?? '—',
    result: f.pass == null ? 'info' : f.pass ? 'pass' : 'MISS',
  }));
}

export function markdownTable(figures: Figure[]): string {
  const rows = tableRows(figures);
  const head = '| figure | value | baseline | ratio | goal | result |\n| --- | ---: | ---: | ---: | --- | --- |';
  return [head, ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${r.result === 'MISS' ? '**MISS**' : r.result} |`)].join('\n');
}

export function textTable(figures: Figure[]): string {
  const rows = tableRows(figures);
  const cols = ['figure', 'value', 'baseline', 'ratio', 'goal', 'result'] as const;
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))])) as Record<(typeof cols)[number], number>;
  const line = (r: Record<string, string>) => cols.map((c) => (c === 'value' || c === 'baseline' || c === 'ratio' ? r[c]!.padStart(width[c]) : r[c]!.padEnd(width[c]))).join('  ');
  return [line(Object.fromEntries(cols.map((c) => [c, c]))), cols.map((c) => '-'.repeat(width[c])).join('  '), ...rows.map(line)].join('\n');
}

const version = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

export function environment() {
  // A run from an exported tree (git archive) names its commit in SNAPSHOT_COMMIT.
  let commit = existsSync('SNAPSHOT_COMMIT') ? `${readFileSync('SNAPSHOT_COMMIT', 'utf8').trim().slice(0, 7)} (snapshot)` : 'unknown';
  let dirty = false;
  if (commit === 'unknown') {
    try {
      commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      dirty = execSync('git status --porcelain -- src db commands', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().length > 0;
    } catch {
      // not a git checkout
    }
  }
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    /** 1/5/15-minute load average when the run ended: other work on the machine skews every figure. */
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    commit: dirty ? `${commit}+uncommitted src/db changes` : commit,
    packages: Object.fromEntries(['@libsql/client', 'libsql', '@slack/bolt', 'hono', '@hono/node-server', 'drizzle-orm', 'zod', 'tsx'].map((p) => [p, version(p)])),
  };
}
