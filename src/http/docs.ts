import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The API reference at /docs: Swagger UI over the app's own OpenAPI document. @hono/swagger-ui points
 * the page at a CDN by default; here its two assets are served from the swagger-ui-dist package in
 * node_modules, so the page works offline and loads nothing from elsewhere.
 */
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;
const BASE = '/docs/assets';
// @hono/swagger-ui asks for `${baseUrl}/swagger-ui-dist/<file>`.
const assetDir = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export function docsRoutes(openApiPath: string) {
  const app = new Hono();
  const cache = new Map<string, Promise<Buffer>>();
  app.get('/', swaggerUI({ url: openApiPath, baseUrl: BASE, title: 'User 360 API' }));
  app.get('/assets/swagger-ui-dist/:file', async (c) => {
    const file = c.req.param('file');
    if (!Object.hasOwn(ASSETS, file)) return c.json({ code: 'not_found', message: `no asset ${file}` }, 404);
    if (!cache.has(file)) cache.set(file, readFile(join(assetDir(), file)));
    const body = await cache.get(file)!;
    return c.body(new Uint8Array(body), 200, { 'content-type': ASSETS[file as keyof typeof ASSETS], 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
