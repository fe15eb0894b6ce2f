import { describe, expect, it } from 'vitest';
import { body, createTestApp } from './support/app.ts';

const t = await createTestApp();

describe('the API reference', () => {
  it('is served at /docs from the app\'s OpenAPI document, with every asset from this server', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain("url: '/openapi.json'");
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length, html).toBeGreaterThanOrEqual(2);
    // Nothing from a CDN: the page must work offline and leak no visit to a third party.
    for (const a of assets) expect(a, a).toMatch(/^\/docs\/assets\//);
    for (const a of assets) {
      const asset = await t.app.request(a);
      expect(asset.status, a).toBe(200);
      expect(asset.headers.get('content-type'), a).toMatch(a.endsWith('.css') ? /text\/css/ : /javascript/);
      expect((await asset.arrayBuffer()).byteLength, a).toBeGreaterThan(10_000);
    }
    expect((await t.app.request('/openapi.json')).status).toBe(200);
  });

  it('serves only its own assets', async () => {
    for (const path of ['/docs/assets/swagger-ui-dist/package.json', '/docs/assets/swagger-ui-dist/..%2F..%2Fpackage.json', '/docs/assets/swagger-ui-dist/index.html']) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      expect(await body(res)).toMatchObject({ code: 'not_found' });
    }
  });

  it('answers the root path with where to go, not a 404', async () => {
    const res = await t.app.request('/');
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ name: 'User 360', docs: '/docs', openapi: '/openapi.json', health: '/healthz' });
  });
});
