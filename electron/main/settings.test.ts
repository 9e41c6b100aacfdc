import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings, openSettings } from './settings';

describe('settings', () => {
  it('starts from the defaults and persists changes across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-settings-'));
    const first = await openSettings(dir);
    expect(first.get()).toEqual({ host: '0.0.0.0', port: 8000, quitOnClose: false });
    expect(first.set({ port: 8123, quitOnClose: true })).toEqual({ host: '0.0.0.0', port: 8123, quitOnClose: true });
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toMatchObject({ port: 8123 });
    const second = await openSettings(dir);
    expect(second.get()).toEqual({ host: '0.0.0.0', port: 8123, quitOnClose: true });
  });

  it('falls back to the default for each hand-edited invalid field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-hub-settings-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ host: 'a b', port: 99999, quitOnClose: true }));
    const store = await openSettings(dir);
    expect(store.get()).toEqual({ ...defaultSettings, quitOnClose: true });
  });
});
