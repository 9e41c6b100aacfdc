import { describe, expect, it } from 'vitest';
import { parseIdArg, parseNoArg, parseRestartArg, parseSettingsPatch } from './command-args';

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
});
