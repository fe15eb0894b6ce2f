/** Latency statistics and closed-loop load: N clients, each sending its next request when the last one answered. */

export interface Sample {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  firstError?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(latencies: number[], seconds: number, errors = 0, firstError?: string): Sample {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    errors,
    seconds,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    firstError,
  };
}

/** A macrotask turn, as a socket read would give: timers, I/O and native finalizers get to run. */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `clients` loops until `requests` requests were made or `maxMs` passed. `fn(i)` makes request i
 * and throws (or returns a message) when the answer is wrong. Only the request itself is timed; each
 * client yields to the event loop between requests, as it would between reads from a socket.
 */
export async function closedLoop(clients: number, requests: number, maxMs: number, fn: (i: number) => Promise<string | void>): Promise<Sample> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + maxMs;
  const client = async () => {
    while (next < requests && performance.now() < deadline) {
      const i = next++;
      await turn();
      const t0 = performance.now();
      let problem: string | void;
      try {
        problem = await fn(i);
      } catch (e) {
        problem = (e as Error).message ?? String(e);
      }
      latencies.push(performance.now() - t0);
      if (problem) {
        errors++;
        firstError ??= problem;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return summarise(latencies, (performance.now() - started) / 1000, errors, firstError);
}

/** Runs `fn` until `runs` runs or `maxMs` passed (at least once) and returns the sorted timings in ms. */
export async function repeat(runs: number, maxMs: number, fn: () => Promise<unknown>): Promise<Sample> {
  const latencies: number[] = [];
  const started = performance.now();
  do {
    await turn();
    const t0 = performance.now();
    await fn();
    latencies.push(performance.now() - t0);
  } while (latencies.length < runs && performance.now() - started < maxMs);
  return summarise(latencies, (performance.now() - started) / 1000);
}

/** Closed-loop clients that run until `stop()`, which resolves with what they measured. */
export function backgroundLoad(clients: number, fn: (i: number) => Promise<string | void>) {
  let stopped = false;
  const run = closedLoopUntil(clients, () => stopped, fn);
  return {
    stop: async () => {
      stopped = true;
      return run;
    },
  };
}

async function closedLoopUntil(clients: number, done: () => boolean, fn: (i: number) => Promise<string | void>): Promise<Sample> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const client = async () => {
    while (!done()) {
      const i = next++;
      await turn();
      const t0 = performance.now();
      const problem = await fn(i).catch((e: unknown) => (e as Error).message ?? String(e));
      latencies.push(performance.now() - t0);
      if (problem) (errors++, (firstError ??= problem));
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return summarise(latencies, (performance.now() - started) / 1000, errors, firstError);
}
