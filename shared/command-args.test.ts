import { describe, expect, it } from 'vitest';
import { parseIdArg, parseNoArg, parseRestartArg, parseSettingsPatch, parseTokenArg } from './command-args';

const id = '0123456789abcdef0123456789abcdef';

describe('command argument parsers', () => {
  it('accepts null or nothing for getInit only', () => {
    expect(parseNoArg(null)).toEqual({ ok: true, value: null });
    expect(parseNoArg(undefined)).toEqual({ ok: true, value: null });
    expect(parseNoArg({})).toMatchObject({ ok: false, code: 'invalid_body' });
  });

  it('accepts a registration id and refuses anything else', () => {
    expect(parseIdArg({ id })).toEqual({ ok: true, value: { id } });
    for (const bad of [null, 'x', { id: 'ABC' }, { id: `${id}0` }, { id: 7 }, [id]]) {
      expect(parseIdArg(bad)).toMatchObject({ ok: false, code: 'invalid_body' });
    }
  });

  it('accepts restart targets and refuses bad hosts, ports and extra fields', () => {
    expect(parseRestartArg({ host: '0.0.0.0', port: 8001 })).toEqual({
      ok: true,
      value: { host: '0.0.0.0', port: 8001 },
    });
    expect(parseRestartArg({ host: '::1', port: 0 })).toMatchObject({ ok: true });
    expect(parseRestartArg({ host: 'hub.local', port: 65535 })).toMatchObject({ ok: true });
    for (const bad of [
      null,
      { host: '', port: 8000 },
      { host: 'a b', port: 8000 },
      { host: '0.0.0.0', port: 65536 },
      { host: '0.0.0.0', port: -1 },
      { host: '0.0.0.0', port: 80.5 },
      { host: '0.0.0.0', port: '8000' },
      { host: '0.0.0.0', port: 8000, extra: 1 },
    ]) {
      expect(parseRestartArg(bad)).toMatchObject({ ok: false, code: 'invalid_body' });
    }
  });

  it('accepts partial settings with known, valid fields only', () => {
    expect(parseSettingsPatch({})).toEqual({ ok: true, value: {} });
    expect(parseSettingsPatch({ quitOnClose: true, port: 9000 })).toEqual({
      ok: true,
      value: { quitOnClose: true, port: 9000 },
    });
    for (const bad of [null, { quitOnClose: 'yes' }, { port: 1e6 }, { host: '/etc' }, { theme: 'dark' }]) {
      expect(parseSettingsPatch(bad)).toMatchObject({ ok: false, code: 'invalid_body' });
    }
  });

  it('accepts every relay setting with a valid value and names the setting when one is wrong', () => {
    const patch = {
      publicUrl: 'http://hub.local:8000',
      heartbeatIntervalMs: 0,
      maxMessageBytes: 1024,
      slowConsumerPolicy: 'drop',
      maxTopics: 1,
      maxTopicLength: 12,
      maxRegistrations: 0,
      registerRatePerSec: 0,
      registerBurst: 1,
      allowedOrigins: ['https://app.example', 'http://10.0.0.2:3000'],
      tlsCertFile: '/etc/hub/cert.pem',
      tlsKeyFile: null,
      expireIdleMs: 3_600_000,
    };
    expect(parseSettingsPatch(patch)).toEqual({ ok: true, value: patch });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ maxTopicLength: 0 }, /Max topic length must be a whole number of at least 1/],
      [{ registerBurst: 0 }, /Registration burst/],
      [{ maxConnections: -1 }, /Max connections/],
      [{ heartbeatIntervalMs: 1.5 }, /Heartbeat interval/],
      [{ maxBodyBytes: '1024' }, /Max request body/],
      [{ slowConsumerPolicy: 'queue' }, /"close" or "drop"/],
      [{ allowedOrigins: [] }, /Allowed browser origins/],
      [{ allowedOrigins: 'https://app.example' }, /Allowed browser origins/],
      [{ allowedOrigins: ['app.example'] }, /origins like https:\/\/app.example/],
      [{ publicUrl: '' }, /Public URL/],
      [{ tlsKeyFile: ' /key.pem' }, /Private key file/],
      [{ accessToken: 'x'.repeat(20) }, /unknown field "accessToken"/],
    ];
    for (const [bad, message] of cases) {
      const parsed = parseSettingsPatch(bad);
      expect(parsed, JSON.stringify(bad)).toMatchObject({ ok: false, code: 'invalid_body' });
      expect(!parsed.ok && parsed.message).toMatch(message);
    }
  });

  it('accepts a 16+ character visible-ASCII token or null for setAccessToken', () => {
    expect(parseTokenArg({ token: 'abcdefghijklmnop' })).toEqual({ ok: true, value: { token: 'abcdefghijklmnop' } });
    expect(parseTokenArg({ token: null })).toEqual({ ok: true, value: { token: null } });
    const short = parseTokenArg({ token: 'abc' });
    expect(!short.ok && short.message).toMatch(/at least 16 characters \(this one has 3\)/);
    for (const bad of [
      null,
      {},
      { token: 7 },
      { token: 'has spaces inside it' },
      { token: 'é'.repeat(20) },
      { token: null, x: 1 },
    ]) {
      expect(parseTokenArg(bad), JSON.stringify(bad)).toMatchObject({ ok: false, code: 'invalid_body' });
    }
  });
});
