import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings, openSettings, relayOptionsOf, type TokenCipher } from './settings';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'relay-hub-settings-'));
const readFile = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('settings', () => {
  it('starts from the defaults and persists changes across reopen', async () => {
    const dir = tempDir();
    const first = await openSettings(dir);
    expect(first.get()).toEqual(defaultSettings);
    expect(first.get()).toMatchObject({ host: '0.0.0.0', port: 8000, quitOnClose: false, maxTopicLength: 256 });
    // The desktop app announces itself on the LAN by default (the headless hub needs --mdns).
    expect(relayOptionsOf(first.get()).mdns).toBe(true);
    expect(first.set({ mdns: false }).mdns).toBe(false);
    expect((await openSettings(dir)).get().mdns).toBe(false);
    first.set({ mdns: true });
    expect(first.set({ port: 8123, quitOnClose: true })).toEqual({ ...defaultSettings, port: 8123, quitOnClose: true });
    expect(readFile(first.path)).toMatchObject({ port: 8123 });
    const second = await openSettings(dir);
    expect(second.get()).toEqual({ ...defaultSettings, port: 8123, quitOnClose: true });
  });

  it('saves every relay setting the GUI offers, and only the chosen ones', async () => {
    const dir = tempDir();
    const store = await openSettings(dir);
    const chosen = {
      publicUrl: 'http://hub.local:8000',
      maxTopicLength: 40,
      maxConnections: 10,
      publishRatePerSec: 0,
      slowConsumerPolicy: 'drop',
      allowedOrigins: ['https://app.example'],
      tlsCertFile: '/etc/hub/cert.pem',
      tlsKeyFile: '/etc/hub/key.pem',
      expireIdleMs: 86_400_000,
    } as const;
    store.set({ ...chosen, allowedOrigins: [...chosen.allowedOrigins] });
    // The file holds the operator's choices, not a copy of today's defaults.
    expect(Object.keys(readFile(store.path)).sort()).toEqual(Object.keys(chosen).sort());
    const reopened = (await openSettings(dir)).get();
    expect(reopened).toEqual({ ...defaultSettings, ...chosen });
    expect(relayOptionsOf(reopened)).toMatchObject({
      publicUrl: 'http://hub.local:8000',
      maxConnections: 10,
      maxTopics: 64,
      maxTopicLength: 40,
    });
    expect(relayOptionsOf(reopened)).not.toHaveProperty('quitOnClose');
  });

  it('falls back to the default for each hand-edited invalid field', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        host: 'a b',
        port: 99999,
        quitOnClose: true,
        maxTopics: 0,
        allowedOrigins: 'x',
        maxBodyBytes: 5,
      }),
    );
    const store = await openSettings(dir);
    expect(store.get()).toEqual({ ...defaultSettings, quitOnClose: true, maxBodyBytes: 5 });
  });

  it('keeps the access token in plain text without a cipher, and forgets it on null', async () => {
    const dir = tempDir();
    const store = await openSettings(dir);
    expect(store.accessToken()).toBeNull();
    store.setAccessToken('0123456789abcdef-token');
    expect(readFile(store.path).accessToken).toEqual({ plain: '0123456789abcdef-token' });
    expect((await openSettings(dir)).accessToken()).toBe('0123456789abcdef-token');
    store.setAccessToken(null);
    expect(readFile(store.path)).not.toHaveProperty('accessToken');
    expect((await openSettings(dir)).accessToken()).toBeNull();
  });

  it('seals the token with a cipher, and replaces an unreadable one by a new random token (never open)', async () => {
    const dir = tempDir();
    // A reversible stand-in for safeStorage: the file must not contain the token itself.
    const cipher: TokenCipher = {
      encrypt: (plain) => Buffer.from(plain).toString('base64'),
      decrypt: (sealed) => Buffer.from(sealed, 'base64').toString(),
    };
    const store = await openSettings(dir, cipher);
    store.setAccessToken('sealed-token-0123456789');
    expect(readFileSync(store.path, 'utf8')).not.toContain('sealed-token-0123456789');
    expect((await openSettings(dir, cipher)).accessToken()).toBe('sealed-token-0123456789');

    // The keychain is gone (another machine, another user): the sealed token cannot be read.
    const lost = await openSettings(dir, null);
    const fresh = lost.accessToken();
    expect(fresh).toMatch(/^[\w-]{43}$/);
    expect(lost.accessToken()).toBe(fresh);
  });
});
