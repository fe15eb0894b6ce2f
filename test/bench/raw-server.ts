/**
 * Cold-start baseline: the smallest server a hand-written program would be, node:http and its own
 * @libsql/client on the same file, bundled and started the same way as the service (`node <bundle>.js`).
 * Env: DATABASE_PATH, PORT.
 */
import { createServer } from 'node:http';
import { rawClient, rawLookup } from './raw.ts';

const db = rawClient(process.env.DATABASE_PATH!);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const answer = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const work =
    url.pathname === '/healthz'
      ? db.execute('SELECT 1').then(() => answer(200, { status: 'ok' }))
      : rawLookup(db, url.searchParams.get('type') ?? '', url.searchParams.get('value') ?? '').then((p) => answer(p ? 200 : 404, p));
  work.catch((e: unknown) => answer(500, { message: String(e) }));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
