import { describe, expect, it } from 'vitest';
import {
  isBase64,
  parseCreateKeyArg,
  parseGuiPublish,
  parseHistoryArg,
  parseIdArg,
  parseKeyIdArg,
  parseNoArg,
  parsePairDeviceArg,
  parseRemoveDisconnectedArg,
  parseRestartArg,
  parseSettingsPatch,
  parseTokenArg,
  parseTopicArg,
} from './command-args';

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

  it('takes a GUI publish as text, or as bytes in strict base64', () => {
    expect(parseGuiPublish({ topic: 'a', message: 'hi', retain: true })).toEqual({
      ok: true,
      value: { topic: 'a', message: 'hi', retain: true },
    });
    expect(parseGuiPublish({ topic: 'a', message: 'AP8=', encoding: 'base64' })).toEqual({
      ok: true,
      value: { topic: 'a', message: 'AP8=', encoding: 'base64' },
    });
    expect(parseGuiPublish({ topic: 'a', message: '', encoding: 'base64' })).toMatchObject({ ok: true });
    for (const message of ['AP8', 'AP8==', '*AP8=', 'AP 8=', 'A===']) {
      expect(parseGuiPublish({ topic: 'a', message, encoding: 'base64' }), message).toMatchObject({
        ok: false,
        code: 'invalid_message',
      });
    }
    expect(parseGuiPublish({ topic: 'a', message: 'x', encoding: 'hex' })).toMatchObject({ code: 'invalid_body' });
    expect(parseGuiPublish({ topic: '', message: 'x' })).toMatchObject({ code: 'invalid_topic' });
    // The QoS MQTT subscribers get it with.
    expect(parseGuiPublish({ topic: 'a', message: 'AP8=', encoding: 'base64', qos: 2 })).toEqual({
      ok: true,
      value: { topic: 'a', message: 'AP8=', encoding: 'base64', qos: 2 },
    });
    for (const qos of [3, -1, '1', 1.5]) {
      expect(parseGuiPublish({ topic: 'a', message: 'x', qos }), String(qos)).toMatchObject({ code: 'invalid_body' });
    }
    expect(isBase64(btoa(String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))))).toBe(true);
  });

  it('takes keys, pairings and their ids as the HTTP routes do, plus the pairing’s base URL', () => {
    const now = 1_000;
    expect(parseCreateKeyArg({ name: 'k', users: [1], subscribe: ['a/*'], publish: [] }, now)).toEqual({
      ok: true,
      value: { name: 'k', users: [1], subscribe: ['a/*'], publish: [], expiresAt: null },
    });
    expect(parseCreateKeyArg({ name: 'k', users: [1], subscribe: [], publish: [], x: 1 }, now)).toMatchObject({
      ok: false,
    });
    const pair = { name: 'p', user_id: 2, subscribe: ['chat'], expires_in_ms: 60_000 };
    expect(parsePairDeviceArg({ ...pair, base: 'http://10.0.0.2:8000' }, now)).toEqual({
      ok: true,
      value: {
        scope: { name: 'p', users: [2], subscribe: ['chat'], publish: ['chat'], expiresAt: 61_000 },
        base: 'http://10.0.0.2:8000',
      },
    });
    expect(parsePairDeviceArg(pair, now)).toMatchObject({ ok: true, value: { base: null } });
    for (const bad of [null, { ...pair, base: 7 }, { ...pair, extra: 1 }, { ...pair, user_id: -1 }]) {
      expect(parsePairDeviceArg(bad, now), JSON.stringify(bad)).toMatchObject({ ok: false });
    }
    expect(parseKeyIdArg({ id: '3f9c01ab' })).toEqual({ ok: true, value: { id: '3f9c01ab' } });
    for (const bad of [null, { id: '3F9C01AB' }, { id: '3f9c01a' }, { id: '../keys' }]) {
      expect(parseKeyIdArg(bad)).toMatchObject({ ok: false, code: 'invalid_body' });
    }
  });

  it('takes the time for removeDisconnected, topics, and a history window', () => {
    expect(parseRemoveDisconnectedArg({ disconnectedForMs: 0 })).toEqual({ ok: true, value: { disconnectedForMs: 0 } });
    for (const bad of [null, {}, { disconnectedForMs: -1 }, { disconnectedForMs: 1.5 }, { disconnectedForMs: '1' }]) {
      expect(parseRemoveDisconnectedArg(bad)).toMatchObject({ ok: false });
    }
    expect(parseTopicArg({ topic: 'a/b' })).toEqual({ ok: true, value: { topic: 'a/b' } });
    expect(parseTopicArg({ topic: '' })).toMatchObject({ ok: false, code: 'invalid_topic' });
    expect(parseHistoryArg({ topic: 'a' })).toEqual({ ok: true, value: { topic: 'a', since: 0, limit: 100 } });
    expect(parseHistoryArg({ topic: 'a', since: 41, limit: 1000 })).toMatchObject({
      value: { since: 41, limit: 1000 },
    });
    for (const bad of [{ topic: 'a', since: -1 }, { topic: 'a', limit: 0 }, { topic: 'a', limit: 1001 }, null]) {
      expect(parseHistoryArg(bad), JSON.stringify(bad)).toMatchObject({ ok: false });
    }
  });
});
