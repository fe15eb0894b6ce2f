import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger.ts';

const LEVELS: Record<string, LogLevel> = { trace: LogLevel.DEBUG, debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN };

const text = (parts: unknown[]) =>
  parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safeJson(p))).join(' ');

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * Bolt and its WebClient log through the service's pino logger, so their lines carry the same format
 * and redaction. The level stays the service's (LOG_LEVEL): Bolt would otherwise force its own `info`.
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack-bolt' });
  const firstError = (parts: unknown[]) => parts.find((p): p is Error => p instanceof Error);
  return {
    debug: (...m: unknown[]) => child.debug(text(m)),
    info: (...m: unknown[]) => child.info(text(m)),
    warn: (...m: unknown[]) => child.warn(text(m)),
    error: (...m: unknown[]) => {
      const err = firstError(m);
      child.error(err ? { err } : {}, text(m));
    },
    setLevel: () => {},
    getLevel: () => LEVELS[child.level] ?? LogLevel.ERROR,
    setName: () => {},
  };
}
