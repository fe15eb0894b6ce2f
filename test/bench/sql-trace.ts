/**
 * Counts and times every SQL statement the process runs through libsql (prepare + execute), grouped by
 * its text, so a figure can be explained as "N statements of which these cost most".
 */
import Database from 'libsql';

interface Entry {
  /** prepares */
  n: number;
  prepareMs: number;
  /** executions (a statement prepared once runs many times) */
  execs: number;
  execMs: number;
}

type Fn = (this: unknown, ...args: unknown[]) => unknown;

let installed = false;
const entries = new Map<string, Entry>();
let enabled = false;

const keyOf = (sql: string) => sql.replace(/\s+/g, ' ').replace(/(\(\?(, \?)*\),? ?){2,}/g, '(…rows…) ').slice(0, 110);

export function installSqlTrace(): void {
  if (installed) return;
  installed = true;
  const proto = (Database as unknown as { prototype: Record<string, Fn> }).prototype;
  const prepare = proto.prepare!;
  proto.prepare = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const stmt = prepare.apply(this, args) as Record<string, Fn>;
    if (!enabled) return stmt;
    const key = keyOf(String(args[0]));
    const e = entries.get(key) ?? { n: 0, prepareMs: 0, execs: 0, execMs: 0 };
    entries.set(key, e);
    e.n++;
    e.prepareMs += performance.now() - t0;
    for (const m of ['run', 'all', 'get']) {
      const orig = stmt[m]!;
      stmt[m] = function (this: unknown, ...a: unknown[]) {
        if (!enabled) return orig.apply(this, a);
        const t1 = performance.now();
        try {
          return orig.apply(this, a);
        } finally {
          e.execs++;
          e.execMs += performance.now() - t1;
        }
      };
    }
    return stmt;
  };
}

/** Starts (resetting the counts) or stops recording. Statements prepared once and reused stay traced. */
export function traceSql(on: boolean): void {
  enabled = on;
  if (on) for (const e of entries.values()) (e.n = 0), (e.prepareMs = 0), (e.execMs = 0), (e.execs = 0);
}

export function sqlReport(per = 1, top = 15): string {
  const rows = [...entries].sort((a, b) => b[1].prepareMs + b[1].execMs - (a[1].prepareMs + a[1].execMs));
  const total = rows.reduce((s, [, e]) => s + e.execs, 0);
  const ms = rows.reduce((s, [, e]) => s + e.prepareMs + e.execMs, 0);
  const lines = [`${(total / per).toFixed(2)} statement executions and ${(ms / per).toFixed(3)} ms in libsql per unit (${per} units)`];
  for (const [k, e] of rows.filter(([, e]) => e.execs || e.n).slice(0, top)) {
    lines.push(`  ${(e.execs / per).toFixed(2).padStart(7)}× (${(e.n / per).toFixed(2)} prepares ${((e.prepareMs / per) * 1000).toFixed(0).padStart(5)} µs) exec ${((e.execMs / per) * 1000).toFixed(0).padStart(6)} µs  ${k}`);
  }
  return lines.join('\n');
}
