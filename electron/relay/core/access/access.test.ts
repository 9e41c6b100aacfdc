import { describe, expect, it } from 'vitest';
import type { DeviceKeyInfo } from '../../../../shared/keys';
import { mayOperate, mayPublish, mayReadHistory, mayRegister, maySubscribe, operator } from './access';

const key: DeviceKeyInfo = {
  id: '0a1b2c3d',
  name: 'sensor',
  users: [7, 8],
  subscribe: ['sensors/*', 'cats'],
  publish: [],
  expiresAt: null,
  createdAt: 0,
  lastUsedAt: null,
  revokedAt: null,
};
const asKey = { kind: 'key', key } as const;

describe('access', () => {
  it('lets the operator do everything', () => {
    expect(mayRegister(operator, 1)).toBeNull();
    expect(mayReadHistory(operator, 'x')).toBeNull();
    expect(mayOperate(operator, 'x')).toBeNull();
    expect(maySubscribe(null, ['x'])).toBeNull();
    expect(mayPublish(null, 'x')).toBeNull();
  });

  it('holds a key to its users and topics, saying which and what is allowed', () => {
    expect(mayRegister(asKey, 8)).toBeNull();
    expect(mayRegister(asKey, 9)).toBe('the device key "sensor" (0a1b2c3d) may register as user 7, 8 only, not 9');
    expect(maySubscribe(key, ['cats', 'sensors/t'])).toBeNull();
    expect(maySubscribe(key, [])).toBeNull();
    expect(maySubscribe(key, ['cats', 'dogs', 'birds'])).toBe(
      'the device key "sensor" (0a1b2c3d) may not subscribe to "dogs" (allowed: sensors/*, cats)',
    );
    expect(mayReadHistory(asKey, 'sensors/x')).toBeNull();
    expect(mayReadHistory(asKey, 'dogs')).toContain('may not subscribe to "dogs"');
    expect(mayPublish(key, 'cats')).toBe(
      'the device key "sensor" (0a1b2c3d) may not publish on "cats" (allowed: none)',
    );
    expect(mayPublish({ ...key, publish: ['a'] }, 'a')).toBeNull();
    expect(mayOperate(asKey, 'read the metrics')).toBe(
      'the device key "sensor" (0a1b2c3d) may not read the metrics: that needs the access token',
    );
  });
});
