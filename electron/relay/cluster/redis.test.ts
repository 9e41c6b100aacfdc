import { describe, expect, it } from 'vitest';
import { brokerTarget, keysOf } from './redis';

describe('brokerTarget', () => {
  it('reads host, port, database, user and password, and shows the URL without the password', () => {
    const target = brokerTarget('redis://relay:p%40ss%20word@redis.lan:6380/3');
    expect(target.options).toMatchObject({
      host: 'redis.lan',
      port: 6380,
      db: 3,
      username: 'relay',
      password: 'p@ss word',
    });
    expect(target.options.tls).toBeUndefined();
    expect(target.display).toBe('redis://relay@redis.lan:6380/3');
    expect(target.db).toBe(3);
  });

  it('defaults to port 6379 and database 0, and speaks TLS for rediss://', () => {
    const target = brokerTarget('rediss://:secret@[::1]');
    expect(target.options).toMatchObject({ host: '::1', port: 6379, db: 0, password: 'secret', tls: {} });
    expect(target.options.username).toBeUndefined();
    expect(target.display).toBe('rediss://[::1]/0');
  });

  it('never queues for Redis: no offline queue, no resend, commands time out', () => {
    expect(brokerTarget('redis://h/0').options).toMatchObject({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: 2_000,
    });
  });
});

describe('keysOf', () => {
  it('puts the database in every name, channels included (pub/sub is not per database)', () => {
    const keys = keysOf(2);
    expect([keys.bus, keys.receipts('h'), keys.meta('t'), keys.registrations]).toEqual([
      'relay-hub:2:bus',
      'relay-hub:2:receipts:h',
      'relay-hub:2:meta:t',
      'relay-hub:2:registrations',
    ]);
  });
});
