/** `lookup` through a signed Slack request, against raw libSQL and against Bolt's ceiling. */
import type { Client } from '@libsql/client';
import { detectIdentifier } from '../../../src/identity/normalize.ts';
import { seededRandom } from '../../../src/seed/random.ts';
import { boltCeiling } from '../bolt-ceiling.ts';
import { closedLoop, type Sample } from '../load.ts';
import { lookupText, type Plan } from '../model.ts';
import { rawLookup } from '../raw.ts';
import { SIGNING_SECRET, type Service } from '../service.ts';

export interface ChatOptions {
  oneClient: number;
  concurrent: number;
  clients: number;
  maxMs: number;
}

/** Identifiers of existing customers in every spelling people type (ext:, email, phone, wallet), seeded. */
export function lookupTexts(plan: Plan, n: number, seed = 7): string[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, k) => lookupText(plan, rnd.int(0, plan.customers - 1), k));
}

export async function checkLookup(res: Response): Promise<string | void> {
  const text = await res.text();
  if (res.status !== 200) return `HTTP ${res.status}: ${text.slice(0, 200)}`;
  if (!text.includes('"blocks"') || text.includes('No customer found') || !text.includes('u_')) return `not a profile card: ${text.slice(0, 200)}`;
}

export async function chatFigures(svc: Service, plan: Plan, raw: Client, o: ChatOptions) {
  const texts = lookupTexts(plan, 2000);
  const detected = texts.map((t) => detectIdentifier(t, svc.config.identity));
  const lookup = async (i: number) => checkLookup(await svc.slash(`lookup ${texts[i % texts.length]}`));
  const rawOne = async (i: number) => {
    const d = detected[i % detected.length]!;
    if (!(await rawLookup(raw, d.type, d.value))) return `raw lookup found nobody for ${d.type} ${d.value}`;
  };
  const ceiling = await boltCeiling(svc.api, SIGNING_SECRET, () => svc.clock().getTime());
  const empty = async () => {
    const res = await ceiling.slash('');
    await res.text();
    if (res.status !== 200) return `HTTP ${res.status}`;
  };

  // Warm-up: Bolt's auth.test, tsx compiling lazily imported modules, SQLite's page cache.
  await closedLoop(1, 300, 10_000, lookup);
  await closedLoop(1, 300, 10_000, rawOne);
  await closedLoop(1, 300, 10_000, empty);

  const lookupOne = await closedLoop(1, o.oneClient, o.maxMs, lookup);
  const rawOneSample = await closedLoop(1, o.oneClient, o.maxMs, rawOne);
  const ceilingOne = await closedLoop(1, o.oneClient, o.maxMs, empty);
  const lookupMany = await closedLoop(o.clients, o.concurrent, o.maxMs, lookup);
  const ceilingMany = await closedLoop(o.clients, o.concurrent, o.maxMs, empty);
  const rawMany = await closedLoop(o.clients, o.concurrent, o.maxMs, rawOne);
  return { lookupOne, rawOne: rawOneSample, ceilingOne, lookupMany, ceilingMany, rawMany } satisfies Record<string, Sample>;
}
