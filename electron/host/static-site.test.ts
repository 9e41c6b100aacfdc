import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheControlOf, createStaticSite } from './web/static-site';

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/** A real HTTP server on port 0 serving `dir` at /dashboard/. */
async function serve(dir: string): Promise<number> {
  const site = createStaticSite(dir, '/dashboard/', "default-src 'self'");
  server = createServer((req, res) => {
    if (!site(req, res)) res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('static site caching', () => {
  it('marks hashed assets immutable, revalidates the rest, and answers 304 to a known ETag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="assets/index-CH04oH-t.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-CH04oH-t.js'), 'console.log(1)');
    const port = await serve(dir);

    const asset = await get(port, '/dashboard/assets/index-CH04oH-t.js');
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const etag = asset.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const again = await get(port, '/dashboard/assets/index-CH04oH-t.js', { 'if-none-match': etag });
    expect(again).toMatchObject({ status: 304, body: '' });
    expect(again.headers.etag).toBe(etag);

    const page = await get(port, '/dashboard/');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const pageTag = page.headers.etag as string;
    expect((await get(port, '/dashboard/', { 'if-none-match': `"x", W/${pageTag}` })).status).toBe(304);
    // A new build: the page changes, its old ETag no longer matches.
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>new</title><script src="assets/index-Zx81_aQ2.js"></script>',
    );
    const rebuilt = await get(port, '/dashboard/', { 'if-none-match': pageTag });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toContain('index-Zx81_aQ2.js');
  });

  it('calls only Vite-hashed names under assets/ immutable', () => {
    expect(cacheControlOf('assets/ChartsView-BT_P-5Rq.css')).toMatch(/immutable/);
    expect(cacheControlOf('index.html')).toBe('no-cache');
    expect(cacheControlOf('favicon.svg')).toBe('no-cache');
    expect(cacheControlOf('assets/logo.svg')).toBe('no-cache');
  });
});
