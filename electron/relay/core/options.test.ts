import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options';

const refusal = (options: Parameters<typeof resolveOptions>[0]): string => {
  try {
    resolveOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
};

describe('resolveOptions', () => {
  it('says what was wrong and what it got: short texts whole, long ones cut at 40 characters', () => {
    expect(refusal({ host: 'bad host!' })).toBe('option "host" must be an IP address or a hostname, got "bad host!"');
    expect(refusal({ host: `${'h'.repeat(39)}!` })).toBe(
      `option "host" must be an IP address or a hostname, got "${'h'.repeat(39)}!"`,
    );
    expect(refusal({ host: `${'h'.repeat(40)}!` })).toBe(
      `option "host" must be an IP address or a hostname, got "${'h'.repeat(40)}…"`,
    );
    expect(refusal({ port: 70_000 })).toBe('option "port" must be a whole number from 0 to 65535, got 70000');
    expect(refusal({ allowedOrigins: [] })).toMatch(/^option "allowedOrigins" must be empty .*, got a list$/);
  });

  it('never repeats a refused secret (it may be the real token, mistyped)', () => {
    expect(refusal({ accessToken: 'secret with space' })).toBe(
      'option "accessToken" must be at least 16 visible ASCII characters without spaces',
    );
  });

  it('normalises allowed origins, and refuses those that are no origin', () => {
    expect(resolveOptions({ allowedOrigins: ['HTTPS://A.example:443/path?q', 'http://b.example:8080'] })).toMatchObject(
      {
        allowedOrigins: ['https://a.example', 'http://b.example:8080'],
      },
    );
    // A file URL has the opaque origin "null"; an unparseable host is no origin at all.
    for (const origin of ['file:///etc/passwd', 'http://[::1']) {
      expect(refusal({ allowedOrigins: [origin] })).toBe(
        `option "allowedOrigins" must list origins like https://app.example, got ${JSON.stringify(origin)}`,
      );
    }
  });

  it('keeps a public URL to its origin, over http or https only', () => {
    expect(resolveOptions({ publicUrl: 'https://hub.example:9443/some/path' }).publicUrl).toBe(
      'https://hub.example:9443',
    );
    expect(resolveOptions({ publicUrl: 'http://hub.local' }).publicUrl).toBe('http://hub.local');
    expect(refusal({ publicUrl: 'ftp://hub.example' })).toBe('option "publicUrl" must use http: or https:');
    expect(refusal({ publicUrl: 'hub.example' })).toBe(
      'option "publicUrl" must be an absolute http(s) URL, got "hub.example"',
    );
  });

  it('takes TLS files in pairs only', () => {
    expect(refusal({ tlsCertFile: 'cert.pem' })).toBe(
      'options "tlsCertFile" and "tlsKeyFile" go together: give both or neither',
    );
    expect(refusal({ tlsKeyFile: 'key.pem' })).toMatch(/go together/);
    expect(resolveOptions({ tlsCertFile: 'cert.pem', tlsKeyFile: 'key.pem' })).toMatchObject({
      tlsCertFile: 'cert.pem',
      tlsKeyFile: 'key.pem',
    });
  });

  it('starts from the defaults and keeps what it was given', () => {
    const options = resolveOptions({ port: 0, allowedOrigins: null });
    expect(options).toMatchObject({ port: 0, host: '0.0.0.0', allowedOrigins: null, publicUrl: null });
  });
});

describe('the broker URL', () => {
  it('takes redis:// and rediss:// with a host, an optional port, password and database number', () => {
    for (const broker of [
      'redis://127.0.0.1:6379/0',
      'redis://redis.lan',
      'redis://redis.lan/',
      'rediss://:secret@redis.lan:6380/15',
      'redis://user:p%40ss@[::1]:6379/3',
    ]) {
      expect(resolveOptions({ broker }).broker).toBe(broker);
    }
    expect(resolveOptions({}).broker).toBeNull();
  });

  it('refuses anything else, each with its reason, and never repeats the password', () => {
    expect(refusal({ broker: 'not a url' })).toBe(
      'option "broker" must be a URL like redis://host:6379/0, got "not a url"',
    );
    expect(refusal({ broker: 'http://:secret@redis.lan' })).toBe(
      'option "broker" must use redis: or rediss: (TLS), got "http://:***@redis.lan"',
    );
    expect(refusal({ broker: 'redis://' })).toBe('option "broker" must name the Redis host, got "redis://"');
    expect(refusal({ broker: 'redis://u:pw@h/db' })).toBe(
      'option "broker" may end with /<database number> only, got "redis://u:***@h/db"',
    );
    expect(refusal({ broker: 'redis://h/123456' })).toContain('may end with /<database number> only');
    expect(refusal({ broker: 'redis://h/0?x=1' })).toBe(
      'option "broker" takes no query or fragment, got "redis://h/0?x=1"',
    );
    expect(refusal({ broker: 'redis://h/0#f' })).toBe(
      'option "broker" takes no query or fragment, got "redis://h/0#f"',
    );
  });
});
