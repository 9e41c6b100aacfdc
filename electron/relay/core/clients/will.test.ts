import { describe, expect, it } from 'vitest';
import type { DisconnectReason } from '../../../../shared/api';
import { willFires } from './will';

describe('willFires', () => {
  it("fires for every end but the device's own close and the hub's own decisions", () => {
    const cases: [DisconnectReason, number, boolean][] = [
      ['client_closed', 1000, false],
      ['client_closed', 1005, false],
      ['client_closed', 1006, true],
      ['client_closed', 1001, true],
      ['error', 1009, true],
      ['heartbeat_timeout', 1006, true],
      ['slow_consumer', 4002, true],
      ['unregistered', 4000, false],
      ['replaced', 4001, false],
      ['shutdown', 1001, false],
      ['revoked', 4003, false],
    ];
    expect(cases.map(([reason, code]) => willFires(reason, code))).toEqual(cases.map(([, , fires]) => fires));
  });
});
