import { beforeEach, describe, expect, it } from 'vitest';
import type { ClientInfo } from '../../shared/hub';
import { client } from '../../test/renderer/store';
import { useStore } from './index';
import { hubSelectors } from './selectors';
import { visibleClients } from './clientOrder';

const state = () => useStore.getState();

/** A small deterministic random source (xorshift), so a failure replays. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});

describe('the clients table order', () => {
  it('merges deltas into the order it had: always what a full filter and sort gives', () => {
    const next = random(42);
    const make = (i: number): ClientInfo =>
      client(i.toString(16).padStart(6, '0'), {
        userId: Math.floor(next() * 50),
        connected: next() < 0.7,
        connectedSince: Math.floor(next() * 1000),
        registeredAt: Math.floor(next() * 100),
        topics: [`room-${Math.floor(next() * 5)}`],
      });
    state().setClients(Array.from({ length: 500 }, (_, i) => make(i)));
    state().setClientFilter('room-1');
    state().setConnectionFilter('connected');
    let id = 500;
    for (let round = 0; round < 200; round++) {
      hubSelectors.visibleClients(state()); // the table reads between pushes
      const ids = [...state().clients.keys()];
      const upserts = Array.from({ length: Math.floor(next() * 8) }, () =>
        next() < 0.5 ? make(id++) : { ...make(0), id: ids[Math.floor(next() * ids.length)] ?? 'x' },
      );
      const removed = Array.from({ length: Math.floor(next() * 3) }, () => ids[Math.floor(next() * ids.length)] ?? 'x');
      state().applyClientDelta(upserts, removed);
      if (round % 7 === 0) state().applyCounters([[ids[0] ?? 'x', round, round, 0, 0]]);
      const { clients, clientFilter, connectionFilter, clientSort } = state();
      const expected = visibleClients(clients, clientFilter, connectionFilter, clientSort).map((c) => c.id);
      expect(hubSelectors.visibleClients(state()).map((c) => c.id)).toEqual(expected);
    }
  });
});
