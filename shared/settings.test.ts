import { describe, expect, it } from 'vitest';
import { settingsKeys } from './ipc';
import { accessTokenProblem, isAccessToken, settingFromText, settingSpecs, settingToText } from './settings';

describe('settings rules', () => {
  it('reads and writes milliseconds as durations (30 s, 7 d), plain milliseconds too', () => {
    expect(settingFromText('heartbeatIntervalMs', '30 s')).toEqual({ ok: true, value: 30_000 });
    expect(settingFromText('expireIdleMs', '7 d')).toEqual({ ok: true, value: 604_800_000 });
    expect(settingFromText('historyTtlMs', '86400000')).toEqual({ ok: true, value: 86_400_000 });
    expect(settingFromText('heartbeatIntervalMs', 'soon')).toEqual({
      ok: false,
      message: 'Heartbeat interval must be a duration like 30 s, 15 min or 7 d',
    });
    expect(settingToText('expireIdleMs', 604_800_000)).toBe('7 d');
    expect(settingToText('heartbeatIntervalMs', 0)).toBe('0');
    expect(settingToText('maxTopicLength', 256)).toBe('256');
  });

  it('has a spec for every settings key', () => {
    expect(Object.keys(settingSpecs).sort()).toEqual([...settingsKeys].sort());
  });

  it('reads the form text of each kind of setting', () => {
    expect(settingFromText('port', ' 8080 ')).toEqual({ ok: true, value: 8080 });
    const fraction = settingFromText('port', '80.5');
    expect(!fraction.ok && fraction.message).toMatch(/^Port must be a whole number from 0 to 65535$/);
    expect(settingFromText('port', '70000')).toMatchObject({ ok: false });
    expect(settingFromText('maxTopicLength', '')).toMatchObject({ ok: false });
    expect(settingFromText('publicUrl', '  ')).toEqual({ ok: true, value: null });
    expect(settingFromText('tlsCertFile', ' /etc/cert.pem ')).toEqual({ ok: true, value: '/etc/cert.pem' });
    expect(settingFromText('allowedOrigins', 'https://a.example\n\nhttp://b.example:3000, ')).toEqual({
      ok: true,
      value: ['https://a.example', 'http://b.example:3000'],
    });
    expect(settingFromText('allowedOrigins', '')).toEqual({ ok: true, value: null });
    expect(settingFromText('allowedOrigins', 'a.example')).toMatchObject({ ok: false });
    expect(settingFromText('slowConsumerPolicy', 'drop')).toEqual({ ok: true, value: 'drop' });
    expect(settingFromText('host', 'not a host')).toMatchObject({ ok: false });
  });

  it('writes values back as the form shows them', () => {
    expect(settingToText('allowedOrigins', ['https://a.example', 'https://b.example'])).toBe(
      'https://a.example\nhttps://b.example',
    );
    expect(settingToText('publicUrl', null)).toBe('');
    expect(settingToText('port', 8000)).toBe('8000');
    for (const text of ['8000', 'https://a.example\nhttps://b.example']) {
      const key = text.startsWith('http') ? 'allowedOrigins' : 'port';
      const parsed = settingFromText(key, text);
      expect(parsed.ok && settingToText(key, parsed.value)).toBe(text);
    }
  });

  it('checks access tokens as the relay does: 16+ visible ASCII characters', () => {
    expect(isAccessToken('0123456789abcdef')).toBe(true);
    expect(isAccessToken('0123456789abcde')).toBe(false);
    expect(isAccessToken('0123456789 abcdef')).toBe(false);
    expect(isAccessToken(null)).toBe(false);
    expect(accessTokenProblem('0123456789abcdef')).toBeNull();
    expect(accessTokenProblem('tab\tinside-0123456789')).toMatch(/visible ASCII/);
  });
});
