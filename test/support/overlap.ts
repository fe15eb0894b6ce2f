import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A barrier across processes, through marker files in a directory they share. `work` is the critical
 * section: each side marks that it entered, waits until every peer has entered too, runs it, and marks
 * that it left. `overlapped` is what this side saw as it passed the barrier: every peer inside and none
 * gone yet. Tests assert it on both sides, so a test of "two instances at once" fails when they did not
 * in fact run at once (one started after the other finished, or one never came).
 */
export async function insideTogether<T>(dir: string, me: string, peers: string[], work: () => Promise<T>, timeoutMs = 60_000): Promise<{ result: T; overlapped: boolean }> {
  const mark = (who: string, what: 'in' | 'out') => join(dir, `${who}.${what}`);
  writeFileSync(mark(me, 'in'), String(process.pid));
  const deadline = Date.now() + timeoutMs;
  while (!peers.every((p) => existsSync(mark(p, 'in')))) {
    if (Date.now() > deadline) throw new Error(`${me}: peers ${peers.join(', ')} never reached the barrier`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const overlapped = peers.every((p) => !existsSync(mark(p, 'out')));
  try {
    return { result: await work(), overlapped };
  } finally {
    writeFileSync(mark(me, 'out'), String(process.pid));
  }
}

/** The barrier as the worker scripts take it from their environment (set by the test that spawns them). */
export function barrierFromEnv(): { dir: string; me: string; peers: string[] } {
  const { BARRIER_DIR, BARRIER_ME, BARRIER_PEERS } = process.env;
  if (!BARRIER_DIR || !BARRIER_ME || !BARRIER_PEERS) throw new Error('BARRIER_DIR, BARRIER_ME and BARRIER_PEERS must be set');
  return { dir: BARRIER_DIR, me: BARRIER_ME, peers: BARRIER_PEERS.split(',') };
}

/** Environment for worker `me` of a group, all sharing `dir` (a fresh directory per test). */
export function barrierEnv(dir: string, me: string, group: string[]): Record<string, string> {
  return { BARRIER_DIR: dir, BARRIER_ME: me, BARRIER_PEERS: group.filter((g) => g !== me).join(',') };
}
