/**
 * TLS on real sockets: a hub on 127.0.0.1 port 0 serving https/wss with the test-only
 * certificate in ./fixtures (see its README: the keys are public, never use them elsewhere).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterResponse } from '../../shared/api';
import { createHubHost, describeListenError } from '../../electron/host/index';
import { createRelay, type Relay } from '../../electron/relay/index';
import { deviceBaseUrls } from '../../electron/relay/server/net';
import { adminCommand, buildCli, Device, rawRequest, startHub, type TestHub } from '../support/relay';

const fixtures = join(process.cwd(), 'test/fixtures');
const certFile = join(fixtures, 'test-cert.pem');
const keyFile = join(fixtures, 'test-key.pem');
const ca = readFileSync(certFile);
const tlsFiles = { tlsCertFile: certFile, tlsKeyFile: keyFile };

/** One HTTPS request trusting `ca` (none: the system's CAs, which do not know the test certificate). */
function httpsText(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  options: { ca?: Buffer } = { ca },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    const req = httpsRequest({ host: '127.0.0.1', port, method, path, headers, agent: false, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** `httpsText` with the answer parsed as JSON (null when empty). */
async function httpsCall(...args: Parameters<typeof httpsText>): Promise<{ status: number; json: unknown }> {
  const { status, text } = await httpsText(...args);
  return { status, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** Opens a raw TLS connection; resolves with what was negotiated, or rejects with the handshake error. */
function handshake(
  port: number,
  options: ConnectionOptions = {},
): Promise<{ alpn: string | false; protocol: string | null; cert: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, ...options }, () => {
      const negotiated = {
        alpn: socket.alpnProtocol ?? false,
        protocol: socket.getProtocol(),
        cert: socket.getPeerX509Certificate()?.fingerprint256 ?? '',
      };
      socket.end();
      resolve(negotiated);
    });
    socket.on('error', reject);
  });
}

const hubs: TestHub[] = [];
async function startTlsHub(): Promise<TestHub> {
  const hub = await startHub(tlsFiles);
  hubs.push(hub);
  return { ...hub, base: `https://127.0.0.1:${hub.port}` };
}
/** A TLS hub serving copies of the test pair in a temp folder (to be replaced by a renewal). */
async function startHubOnCopies(): Promise<{ hub: TestHub; files: { tlsCertFile: string; tlsKeyFile: string } }> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-hub-tls-'));
  const files = { tlsCertFile: join(dir, 'cert.pem'), tlsKeyFile: join(dir, 'key.pem') };
  copyFileSync(certFile, files.tlsCertFile);
  copyFileSync(keyFile, files.tlsKeyFile);
  const hub = await startHub(files);
  hubs.push(hub);
  return { hub, files };
}
const relays: Relay[] = [];
afterEach(async () => {
  await Promise.all([...hubs.splice(0).map((h) => h.relay.stop()), ...relays.splice(0).map((r) => r.stop())]);
});

async function healthy(port: number): Promise<void> {
  const res = await httpsCall(port, 'GET', '/health');
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ status: 'ok' });
}

describe('a hub with a TLS certificate and key', () => {
  it('answers over https, gives https base URLs and wss register URLs, and delivers over wss', async () => {
    const hub = await startTlsHub();
    expect(hub.relay.address()?.urls).toEqual([`https://127.0.0.1:${hub.port}`]);
    await healthy(hub.port);
    const reg = await httpsCall(hub.port, 'POST', '/register', { user_id: 1 });
    expect(reg.status).toBe(200);
    const { url, id } = reg.json as RegisterResponse;
    expect(url).toBe(`wss://127.0.0.1:${hub.port}/ws/${id}`);
    const device = await Device.connect(url, { ca });
    await device.setTopics(hub, ['news']);
    const published = await httpsCall(hub.port, 'POST', '/publish', { topic: 'news', message: 'über TLS' });
    expect(published.json).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);
    expect(device.messages).toEqual(['über TLS']);
    await device.close();
  });

  it('refuses clients that do not trust the certificate, and keeps serving', async () => {
    const hub = await startTlsHub();
    const { url } = (await httpsCall(hub.port, 'POST', '/register', { user_id: 2 })).json as RegisterResponse;
    await expect(httpsCall(hub.port, 'GET', '/health', undefined, {})).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    await expect(Device.connect(url)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await healthy(hub.port);
    const device = await Device.connect(url, { ca });
    expect(hub.relay.stats().connected).toBe(1);
    await device.close();
  });

  it('fails plain HTTP and raw garbage on the TLS port without crashing', async () => {
    const hub = await startTlsHub();
    await expect(rawRequest(hub.port, 'GET', '/health')).rejects.toThrow();
    const garbage = netConnect(hub.port, '127.0.0.1', () => garbage.write(Buffer.alloc(4096, 0xff)));
    garbage.on('error', () => undefined); // a reset is one of the allowed endings
    await once(garbage, 'close');
    await healthy(hub.port);
  });

  it('speaks TLS 1.2+ and HTTP/1.1 only', async () => {
    const hub = await startTlsHub();
    await expect(handshake(hub.port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', // the hub's alert, not a client-side refusal
    });
    expect((await handshake(hub.port, { maxVersion: 'TLSv1.2' })).protocol).toBe('TLSv1.2');
    expect((await handshake(hub.port, { ALPNProtocols: ['h2', 'http/1.1'] })).alpn).toBe('http/1.1');
    await healthy(hub.port);
  });

  it('reads the files at every start: a restart serves a renewed certificate', async () => {
    const { hub, files } = await startHubOnCopies();
    const before = await handshake(hub.port);
    await hub.relay.stop();
    copyFileSync(join(fixtures, 'renewed-cert.pem'), files.tlsCertFile);
    copyFileSync(join(fixtures, 'renewed-key.pem'), files.tlsKeyFile);
    const { port } = await hub.relay.start();
    const renewed = readFileSync(files.tlsCertFile);
    const after = await handshake(port, { ca: renewed });
    expect(after.cert).not.toBe(before.cert);
    await expect(handshake(port)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }); // old CA no longer fits
  });

  it('reloadTls() serves a renewed certificate without a restart; devices stay; a bad file keeps the current one', async () => {
    const { hub, files } = await startHubOnCopies();
    const { url } = (await httpsCall(hub.port, 'POST', '/register', { user_id: 3 })).json as RegisterResponse;
    const device = await Device.connect(url, { ca });
    const before = await handshake(hub.port);

    copyFileSync(join(fixtures, 'renewed-cert.pem'), files.tlsCertFile);
    copyFileSync(join(fixtures, 'renewed-key.pem'), files.tlsKeyFile);
    expect(await hub.relay.reloadTls()).toBe(true);
    const renewed = readFileSync(files.tlsCertFile);
    const after = await handshake(hub.port, { ca: renewed, ALPNProtocols: ['h2', 'http/1.1'] });
    expect(after.cert).not.toBe(before.cert);
    expect(after.alpn).toBe('http/1.1'); // the hardening survives the new context
    await expect(
      handshake(hub.port, { ca: renewed, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }),
    ).rejects.toMatchObject({
      code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    });
    await expect(handshake(hub.port)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    // The device connected before the renewal keeps its socket and gets publishes.
    const published = await httpsCall(
      hub.port,
      'POST',
      '/publish',
      { topic: 'cats', message: 'renewed' },
      { ca: renewed },
    );
    expect(published.json).toMatchObject({ delivered: 1 });
    await device.waitForMessages(1);

    writeFileSync(files.tlsCertFile, 'not a certificate\n');
    await expect(hub.relay.reloadTls()).rejects.toMatchObject({ code: 'ETLS' });
    expect((await handshake(hub.port, { ca: renewed })).cert).toBe(after.cert);
    await device.close();
  });

  it('counts failed handshakes and exports the certificate expiry in /metrics', async () => {
    const hub = await startTlsHub();
    await expect(rawRequest(hub.port, 'GET', '/health')).rejects.toThrow(); // plain HTTP on the TLS port
    await expect(handshake(hub.port, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).rejects.toThrow();
    const text = (await httpsText(hub.port, 'GET', '/metrics')).text.split('\n');
    const failures = Number(text.find((l) => l.startsWith('relay_hub_tls_handshake_failures_total '))?.split(' ')[1]);
    expect(failures).toBe(2);
    const expiry = text.find((l) => l.startsWith('relay_hub_tls_certificate_expiry_seconds{'));
    const notAfter = Date.parse(new X509Certificate(ca).validTo) / 1000;
    expect(expiry).toBe(`relay_hub_tls_certificate_expiry_seconds{file="${certFile}"} ${notAfter}`);
  });

  it('has no certificate expiry without TLS, and reloadTls() says false', async () => {
    const hub = await startHub();
    hubs.push(hub);
    const res = await rawRequest(hub.port, 'GET', '/metrics');
    expect(res.text).toContain('relay_hub_tls_handshake_failures_total 0');
    expect(res.text).not.toMatch(/^relay_hub_tls_certificate_expiry_seconds/m);
    expect(await hub.relay.reloadTls()).toBe(false);
  });
});

describe('unusable TLS files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-hub-tls-bad-'));
  const notPem = join(dir, 'not.pem');
  writeFileSync(notPem, 'hello\n');
  const otherKey = join(dir, 'other-key.pem');
  writeFileSync(
    otherKey,
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  const missing = join(dir, 'missing.pem');

  it.each([
    [
      'a missing certificate',
      { tlsCertFile: missing, tlsKeyFile: keyFile },
      `cannot read the TLS certificate file ${missing} (ENOENT)`,
    ],
    [
      'a missing key',
      { tlsCertFile: certFile, tlsKeyFile: missing },
      `cannot read the TLS key file ${missing} (ENOENT)`,
    ],
    [
      'a certificate that is not PEM',
      { tlsCertFile: notPem, tlsKeyFile: keyFile },
      `${notPem} is not a PEM certificate`,
    ],
    ['a key that is not PEM', { tlsCertFile: certFile, tlsKeyFile: notPem }, `${notPem} is not a PEM private key`],
    [
      'a key of another certificate',
      { tlsCertFile: certFile, tlsKeyFile: otherKey },
      `${otherKey} is not the key of the certificate`,
    ],
  ])(
    '%s: start() rejects with ETLS, a readable message, nothing listening; fixed files then start',
    async (_, files, text) => {
      const relay = createRelay({ host: '127.0.0.1', port: 0, ...files });
      relays.push(relay);
      const error = await relay.start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'ETLS' });
      expect((error as Error).message).toContain(text);
      expect(relay.address()).toBeNull();
      const described = describeListenError(error, '127.0.0.1', 0);
      expect(described).toEqual({
        code: 'ETLS',
        message: (error as Error).message, // it names the file already
      });
      const info = await relay.start(tlsFiles);
      await healthy(info.port);
    },
  );
});

describe('URLs a TLS hub gives out', () => {
  it('lists https base URLs for every interface, and keeps an explicit public URL', () => {
    const urls = deviceBaseUrls('0.0.0.0', 8443, null, true);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^https:\/\/[\d.]+:8443$/);
    expect(deviceBaseUrls('::1', 8443, null, true)).toEqual(['https://[::1]:8443']);
    expect(deviceBaseUrls('127.0.0.1', 8000, null)).toEqual(['http://127.0.0.1:8000']);
    expect(deviceBaseUrls('0.0.0.0', 8443, 'https://hub.lan', true)).toEqual(['https://hub.lan']);
  });

  it('puts the dashboard on https', async () => {
    const staticDir = mkdtempSync(join(tmpdir(), 'relay-hub-static-'));
    const host = createHubHost({ relay: { host: '127.0.0.1', port: 0, ...tlsFiles }, dashboard: { staticDir } });
    try {
      const status = await host.start();
      expect(status.state).toBe('running');
      const port = status.listen?.port ?? 0;
      expect(host.dashboardInfo()?.url).toBe(`https://127.0.0.1:${port}/dashboard/#token=${host.dashboardToken}`);
      // The dashboard's admin socket upgrades over wss on the same port, and reports the https URLs.
      const result = await adminCommand(port, host.dashboardToken ?? '', 'getInit', null, { ca });
      expect(result).toMatchObject({ ok: true });
      expect(JSON.stringify(result)).toContain(`"urls":["https://127.0.0.1:${port}"]`);
    } finally {
      await host.stop();
    }
  });
});

describe('relay-hub CLI with --tls-cert and --tls-key', () => {
  let cli = '';
  beforeAll(async () => {
    cli = await buildCli();
  });

  function run(args: string[]): { child: ReturnType<typeof spawn>; output: () => string } {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-hub-data-'));
    const child = spawn(process.execPath, [cli, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', ...args], {
      env: {
        ...process.env,
        NODE_PATH: join(process.cwd(), 'node_modules'),
        RELAY_HUB_MQTT_PORT: 'off',
        RELAY_HUB_MQTTS_PORT: 'off',
      },
    });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { child, output: () => text };
  }

  it('prints https and wss URLs and the curl --cacert hint, and serves them', async () => {
    const hub = run(['--tls-cert', certFile, '--tls-key', keyFile, '--register-rate', '0', '--publish-rate', '0']);
    try {
      while (!/TLS: /.test(hub.output())) {
        if (hub.child.exitCode !== null) throw new Error(`exited: ${hub.output()}`);
        await once(hub.child.stdout!, 'data');
      }
      const port = Number(/listening on .*:(\d+)/.exec(hub.output())?.[1]);
      const out = hub.output();
      expect(out).toContain(`  https://127.0.0.1:${port}\n`);
      expect(out).toContain(`curl --cacert ${certFile} -X POST https://127.0.0.1:${port}/register`);
      expect(out).toContain(`TLS: https and wss:// with ${certFile}`);
      expect(out).not.toMatch(/http:\/\//);
      const { url } = (await httpsCall(port, 'POST', '/register', { user_id: 1 })).json as RegisterResponse;
      expect(url).toMatch(new RegExp(`^wss://127\\.0\\.0\\.1:${port}/ws/[0-9a-f]{32}$`));
      const device = await Device.connect(url, { ca });
      await device.close();
    } finally {
      hub.child.kill('SIGTERM');
      if (hub.child.exitCode === null) await once(hub.child, 'exit');
    }
  });

  it('re-reads a renewed certificate on SIGHUP and keeps the current one when the new files are broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-tls-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    copyFileSync(certFile, cert);
    copyFileSync(keyFile, key);
    const hub = run(['--tls-cert', cert, '--tls-key', key]);
    const printed = async (pattern: RegExp): Promise<void> => {
      while (!pattern.test(hub.output())) {
        if (hub.child.exitCode !== null) throw new Error(`exited: ${hub.output()}`);
        await Promise.race([once(hub.child.stdout!, 'data'), once(hub.child.stderr!, 'data')]);
      }
    };
    try {
      await printed(/TLS: /);
      expect(hub.output()).toContain(`Renewed it? Replace the files, then kill -HUP ${hub.child.pid}.`);
      const port = Number(/listening on .*:(\d+)/.exec(hub.output())?.[1]);
      const before = await handshake(port);
      copyFileSync(join(fixtures, 'renewed-key.pem'), key);
      copyFileSync(join(fixtures, 'renewed-cert.pem'), cert);
      hub.child.kill('SIGHUP');
      await printed(/TLS certificate reloaded from/);
      const renewed = readFileSync(cert);
      const after = await handshake(port, { ca: renewed });
      expect(after.cert).not.toBe(before.cert);

      copyFileSync(keyFile, key); // a key that does not fit the certificate
      hub.child.kill('SIGHUP');
      await printed(/is not the key of the certificate .*; keeping the current certificate/);
      expect((await handshake(port, { ca: renewed })).cert).toBe(after.cert);
      expect(hub.child.exitCode).toBe(null);
    } finally {
      hub.child.kill('SIGTERM');
      if (hub.child.exitCode === null) await once(hub.child, 'exit');
    }
  });

  it('exits 1 with one readable line when the certificate cannot be read', async () => {
    const missing = join(tmpdir(), 'relay-hub-no-such-cert.pem');
    const hub = run(['--tls-cert', missing, '--tls-key', keyFile]);
    const [code] = (await once(hub.child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(hub.output()).toContain(`relay-hub: cannot read the TLS certificate file ${missing} (ENOENT)\n`);
    expect(hub.output()).not.toMatch(/\n\s+at /); // no stack trace
  });
});
