import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sdkModulePath } from '../../../shared/api';
import { rawRequest } from '../../../test/support/relay';
import { createHubHost, type HubHost } from '../index';

let host: HubHost | null = null;
afterEach(async () => {
  await host?.stop();
  host = null;
});

async function hostWith(sdkFile: string | null): Promise<number> {
  host = createHubHost({ relay: { host: '127.0.0.1', port: 0 }, sdkFile });
  const status = await host.start();
  return status.listen?.port ?? 0;
}

describe('the SDK route', () => {
  it('serves the built SDK as a JavaScript module any page may import (CORS open)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-hub-sdk-')), 'index.mjs');
    writeFileSync(file, 'export const connect = 1;\n');
    const port = await hostWith(file);
    const res = await rawRequest(port, 'GET', sdkModulePath);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.text).toBe('export const connect = 1;\n');
    expect((await rawRequest(port, 'HEAD', sdkModulePath)).text).toBe('');
    expect((await rawRequest(port, 'POST', sdkModulePath)).status).toBe(405);
  });

  it('answers 404 not_found while the SDK is not built, and is absent without an SDK file', async () => {
    const port = await hostWith(join(tmpdir(), 'no-such-dir', 'index.mjs'));
    const missing = await rawRequest(port, 'GET', sdkModulePath);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'not_found' } });
    await host?.stop();
    const bare = await hostWith(null);
    expect((await rawRequest(bare, 'GET', sdkModulePath)).json).toMatchObject({ error: { code: 'not_found' } });
  });
});
