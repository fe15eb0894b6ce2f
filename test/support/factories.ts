import { expect } from 'vitest';
import type { Store } from '../../db/client.ts';
import type { IdentityConfig } from '../../src/config.ts';
import { ingestRecords, prepareRecords } from '../../src/ingest/ingest.ts';
import type { Clock } from '../../src/time.ts';

let n = 0;
/** Unique per call, so tests never depend on each other's rows. */
export const uniq = (prefix = 'x') => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}`;

export const randomEvm = () => `0x${Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')}`;

export interface Deps {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
}

/** Ingests through the real validation and ingest path; fails the test with the issues if any record is bad. */
export async function ingest(deps: Deps, records: Record<string, unknown>[]) {
  const { records: ok, issues } = prepareRecords(records, deps.identity);
  expect(issues, JSON.stringify(issues)).toEqual([]);
  return ingestRecords(deps, ok, 'test');
}

export const identify = (identifiers: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'identify',
  id: uniq('id-'),
  timestamp: '2026-11-20T10:00:00+08:00',
  identifiers,
  ...extra,
});
