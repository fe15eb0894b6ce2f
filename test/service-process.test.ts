// The real service in a child process: what an in-process test cannot survive or measure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDiscordKeys } from './fakes/discord-sign.ts';
import { postStream, startServiceProcess } from './support/service-process.ts';

const keys = generateDiscordKeys();
let svc: Awaited<ReturnType<typeof startServiceProcess>>;
beforeAll(async () => {
  svc = await startServiceProcess({ DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: '555000000000000001' });
}, 120_000);
afterAll(() => svc?.stop());

const MB = 1024 * 1024;

describe('the service process', () => {
  it('refuses an unsigned oversized Discord body (with Content-Length and chunked) without growing', async () => {
    const url = `${svc.base}/discord/interactions`;
    // One small refused request first, so code paths are loaded before the baseline is taken.
    await postStream(url, 300 * 1024, { chunked: true });
    const before = svc.rss();
    // On main the route read the whole body before verifying it: 300 MB took the process from 150 MB to 1 GB.
    const sized = await postStream(url, 64 * MB, { chunked: false });
    const chunked = await postStream(url, 64 * MB, { chunked: true });
    const after = svc.rss();
    console.log(`service RSS around two refused 64 MB Discord bodies: ${Math.round(before / MB)} MB → ${Math.round(after / MB)} MB`);
    expect(after - before, `RSS ${Math.round(before / MB)} MB → ${Math.round(after / MB)} MB`).toBeLessThan(8 * MB);
    for (const r of [sized, chunked]) {
      expect(r.status, r.body).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'body_too_large', message: expect.any(String) });
    }
    expect(chunked.sent, 'the chunked upload was cut short').toBeLessThan(64 * MB);
    expect((await fetch(`${svc.base}/healthz`)).status).toBe(200);
  }, 120_000);

  it('survives lone surrogates in every field that reaches the database, and answers each with 400', async () => {
    const auth = { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' };
    const at = '2026-11-20T10:00:00+08:00';
    // Raw JSON text: the \ud800 escape decodes to a lone surrogate on the server, as a source would send it.
    const bodies: [string, string][] = [
      ['/v1/identify', `{"id":"\\ud800","timestamp":"${at}","identifiers":{"external_id":"s-1"}}`],
      ['/v1/identify', `{"id":"s-2","timestamp":"${at}","identifiers":{"external_id":"\\udc00x"}}`],
      ['/v1/identify', `{"id":"s-3","timestamp":"${at}","identifiers":{"kakao_id":"a\\ud83d"},"traits":{"name":"\\ud800"}}`],
      ['/v1/transactions', `{"id":"s-4","timestamp":"${at}","identifiers":{"external_id":"s"},"chain":"tron","token":"\\ud800","amount":"1","usdt_value":"1","direction":"in"}`],
      ['/v1/batch', `[{"type":"event","id":"s-5","timestamp":"${at}","identifiers":{"external_id":"s"},"name":"x","device":{"id":"\\udfff"}}]`],
    ];
    for (const [path, body] of bodies) {
      const res = await fetch(`${svc.base}${path}`, { method: 'POST', headers: auth, body });
      expect(res.status, `${path} ${body}`).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_records', errors: expect.arrayContaining([expect.objectContaining({ index: 0 })]) });
    }
    const nd = await fetch(`${svc.base}/v1/batch`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: bodies.map(([, b]) => b).filter((b) => !b.startsWith('[')).join('\n') });
    expect(nd.status).toBe(400);
    const lookup = await fetch(`${svc.base}/v1/profiles/${encodeURIComponent('ext:x')}%ED%A0%80`, { headers: auth });
    expect(lookup.status).toBeLessThan(500);
    // A legitimate record still goes in afterwards, and the process is the same one.
    const ok = await fetch(`${svc.base}/v1/identify`, { method: 'POST', headers: auth, body: `{"id":"s-ok","timestamp":"${at}","identifiers":{"external_id":"s-ok"}}` });
    expect(await ok.json()).toMatchObject({ accepted: 1 });
    expect(svc.alive()).toBe(true);
  }, 60_000);
});
