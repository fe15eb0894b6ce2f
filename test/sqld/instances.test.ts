/**
 * Two real service processes behind no load balancer, on one sqld: what one instance stores, the
 * other answers at once (no cache, no replica lag: both read the server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, prepareDatabase, type Store } from '../../db/client.ts';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { startService, type Service } from '../support/service.ts';
import { startSqld, type Sqld } from '../support/sqld.ts';
import { uniq } from '../support/factories.ts';

let sqld: Sqld;
let store: Store;
let a: Service;
let b: Service;
let auth: Record<string, string>;

beforeAll(async () => {
  sqld = await startSqld();
  store = await createStore(sqld.url);
  await prepareDatabase(store);
  auth = { authorization: `Bearer ${(await createApiKey(store, 'instances', Date.now())).key}` };
  [a, b] = await Promise.all([startService({ DATABASE_URL: sqld.url }), startService({ DATABASE_URL: sqld.url })]);
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  store?.close();
  await sqld?.stop();
});

describe('two service instances on one libSQL server', () => {
  it('answers on one instance a batch ingested through the other, at once', async () => {
    const email = `${uniq('inst')}@example.com`;
    const batch = [
      { type: 'identify', id: uniq('i-'), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email, external_id: uniq('ext-') }, traits: { name: 'Ines Tan' } },
      { type: 'transaction', id: uniq('t-'), timestamp: '2026-11-20T11:00:00+08:00', identifiers: { email }, chain: 'tron', token: 'USDT', amount: '42', usdt_value: '42', direction: 'in' },
    ];
    const posted = await fetch(`${a.url}/v1/batch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    expect(posted.status, await posted.clone().text()).toBe(200);
    expect(await posted.json()).toMatchObject({ accepted: 2 });
    const res = await fetch(`${b.url}/v1/profiles/${encodeURIComponent(email)}`, { headers: auth });
    expect(res.status, a.output() + b.output()).toBe(200);
    const profile = JSON.stringify(await res.json());
    expect(profile).toContain('Ines Tan');
    expect(profile).toContain('42');
    // The same API key works on both: keys are rows, not process memory.
    expect((await fetch(`${a.url}/v1/profiles/${encodeURIComponent(email)}`, { headers: auth })).status).toBe(200);
  });

  it('takes a write on one instance while the other writes, and both see both', async () => {
    const [x, y] = [`${uniq('x')}@example.com`, `${uniq('y')}@example.com`];
    const send = (svc: Service, email: string) =>
      fetch(`${svc.url}/v1/identify`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ id: uniq('w-'), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { email } }) });
    const [ra, rb] = await Promise.all([send(a, x), send(b, y)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    for (const svc of [a, b]) for (const email of [x, y]) expect((await fetch(`${svc.url}/v1/profiles/${email}`, { headers: auth })).status).toBe(200);
  });
});
