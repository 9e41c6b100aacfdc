import { describe, expect, it } from 'vitest';
import type { PublishReceipt } from '../../../../shared/api';
import { overLimit } from '../device-publish';
import { createLogger } from '../log';
import { Wills, willFires, type ConnectionEnd, type LastWill, type WillOwner } from './wills';

describe('willFires', () => {
  it("fires for every end but the client's own goodbye and the hub's own decisions", () => {
    const cases: [ConnectionEnd, boolean][] = [
      // A WebSocket device: its close 1000 or 1005 is its goodbye; 1006 (cut), 1001 (going away) are not.
      [{ reason: 'client_closed', goodbye: true }, false],
      [{ reason: 'client_closed' }, true],
      [{ reason: 'error' }, true],
      [{ reason: 'heartbeat_timeout' }, true],
      [{ reason: 'slow_consumer' }, true],
      [{ reason: 'unregistered' }, false],
      [{ reason: 'shutdown' }, false],
      [{ reason: 'revoked' }, false],
      // Taken over: resumed (a device's new socket, an MQTT persistent session) or not (a clean session).
      [{ reason: 'replaced' }, false],
      [{ reason: 'replaced', fresh: true }, true],
      // An MQTT DISCONNECT deletes the will whatever else happens.
      [{ reason: 'slow_consumer', goodbye: true }, false],
      [{ reason: 'heartbeat_timeout', goodbye: true }, false],
    ];
    expect(cases.map(([end]) => willFires(end))).toEqual(cases.map(([, fires]) => fires));
  });
});

describe('Wills', () => {
  const rejected: string[] = [];
  const wills = new Wills({
    log: createLogger('silent'),
    options: { maxMessageBytes: 8 },
    noteRejected: (code) => rejected.push(code),
    messageTooLarge: (message) => overLimit(message, 8),
  });
  const published: LastWill[] = [];
  const owner = (allowed: (topic: string) => boolean): WillOwner => ({
    id: 'c1',
    userId: 1,
    check: ({ topic }) => (allowed(topic) ? null : { code: 'forbidden', message: `not ${topic}` }),
    publish: (will): PublishReceipt => {
      published.push(will);
      return { delivered: 0, offset: published.length, epoch: 'e' };
    },
  });
  const will = (topic: string, message = 'bye'): LastWill => ({ topic, message, retain: true, qos: 1 });

  it('publishes a held will once, through its owner, when the end calls for it', () => {
    const connection = {};
    expect(
      wills.set(
        connection,
        owner(() => true),
        will('status'),
      ),
    ).toBeNull();
    expect(wills.size).toBe(1);
    wills.ended(connection, { reason: 'error' });
    wills.ended(connection, { reason: 'error' });
    expect(published).toEqual([will('status')]);
    expect([wills.published, wills.size]).toEqual([1, 0]);
  });

  it('forgets a will without publishing it after a goodbye, a clear, or an end of the hub', () => {
    const [polite, cleared, unregistered] = [{}, {}, {}];
    wills.set(
      polite,
      owner(() => true),
      will('a'),
    );
    wills.set(
      cleared,
      owner(() => true),
      will('b'),
    );
    wills.set(
      cleared,
      owner(() => true),
      null,
    );
    wills.set(
      unregistered,
      owner(() => true),
      will('c'),
    );
    wills.ended(polite, { reason: 'client_closed', goodbye: true });
    wills.ended(cleared, { reason: 'error' });
    wills.ended(unregistered, { reason: 'unregistered' });
    expect([published.length, wills.published, wills.size]).toEqual([1, 1, 0]);
  });

  it('refuses, and counts, a will its owner may not publish or that is too large; the previous one stays', () => {
    const connection = {};
    const mine = owner((topic) => topic.startsWith('own/'));
    expect(wills.set(connection, mine, will('own/x'))).toBeNull();
    expect(wills.set(connection, mine, will('status'))?.code).toBe('forbidden');
    expect(wills.set(connection, mine, will('own/x', 'far too long'))?.code).toBe('message_too_large');
    expect(wills.of(connection)).toEqual(will('own/x'));
    expect(rejected).toEqual(['forbidden', 'message_too_large']);
    wills.ended(connection, { reason: 'heartbeat_timeout' });
    expect(published.at(-1)).toEqual(will('own/x'));
  });

  it('checks a will again when it fires: one its owner may no longer publish is counted, not published', () => {
    const connection = {};
    let allowed = true;
    const checked = owner(() => allowed);
    wills.set(connection, checked, will('later'));
    allowed = false;
    const [sent, counted, refusals] = [published.length, wills.published, rejected.length];
    wills.ended(connection, { reason: 'error' });
    expect([published.length, wills.published, rejected.length]).toEqual([sent, counted, refusals + 1]);
  });
});
