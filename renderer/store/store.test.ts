import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientInfo } from '../../shared/hub';
import type { HubInit } from '../../shared/ipc';
import { recordingTransport } from '../../test/renderer/transport';
import { useStore } from './index';
import { logLimit } from './logSlice';
import { hubSelectors, matchesClientFilter, userRows } from './selectors';
import { client, hubConfig, hubInit, logEntry, update } from '../../test/renderer/store';

const state = () => useStore.getState();

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});

describe('store', () => {
  describe('#applyUpdate', () => {
    it('applies upserts and removals as deltas', () => {
      state().applyUpdate(update({ upserts: [client('a'), client('b'), client('c')] }));
      state().applyUpdate(update({ upserts: [client('b', { userId: 9 })], removed: [client('a').id] }));
      expect([...state().clients.keys()]).toEqual([client('b').id, client('c').id]);
      expect(state().clients.get(client('b').id)?.userId).toBe(9);
    });

    it('applies live counters to the clients they name, keeping the others as they are', () => {
      state().applyUpdate(update({ upserts: [client('a'), client('b')] }));
      const untouched = state().clients.get(client('b').id);
      state().applyUpdate(
        update({
          counters: [
            [client('a').id, 5, 70, 12, 1],
            ['gone'.padEnd(32, '0'), 1, 1, 1, 1],
          ],
        }),
      );
      expect(state().clients.get(client('a').id)).toMatchObject({
        messagesSent: 5,
        bytesSent: 70,
        bufferedBytes: 12,
        dropped: 1,
      });
      expect(state().clients.get(client('b').id)).toBe(untouched);
      expect(state().clients.size).toBe(2);
    });

    it('applies a counters push in place: no copy of the clients, a new counters version', () => {
      state().setClients(Array.from({ length: 1_000 }, (_, i) => client(i.toString(16))));
      const clients = state().clients;
      const shape = state().clientsShape;
      const version = state().countersVersion;
      state().applyCounters([[client('1f').id, 3, 30, 0, 0]]);
      expect(state().clients).toBe(clients);
      expect(state().clientsShape).toBe(shape);
      expect(state().countersVersion).toBe(version + 1);
      expect(state().clients.get(client('1f').id)?.messagesSent).toBe(3);
      state().applyCounters([['gone'.padEnd(32, '0'), 1, 1, 1, 1]]);
      expect(state().countersVersion).toBe(version + 1); // nothing it shows changed
    });

    it('fills a paged snapshot from its pages, ignores another snapshot’s, and keeps the deltas in between', () => {
      state().applyInit(hubInit({ clients: [client('a'), client('b')], clientPages: { id: 4, total: 5 } }));
      expect(state().clientsLoading).toEqual({ id: 4, received: 2, total: 5 });
      state().applyUpdate(update({ clientPage: { id: 3, clients: [client('z')], last: true } }));
      state().applyUpdate(update({ upserts: [client('f')], removed: [client('a').id] }));
      state().applyUpdate(update({ clientPage: { id: 4, clients: [client('c'), client('d')], last: false } }));
      expect(state().clientsLoading).toEqual({ id: 4, received: 4, total: 5 });
      state().applyUpdate(update({ removed: [client('d').id] }));
      const users = [{ userId: 8, clientIds: [client('e').id] }];
      state().applyUpdate(update({ clientPage: { id: 4, clients: [client('e', { userId: 8 })], users, last: true } }));
      expect(state().clientsLoading).toBeNull();
      expect(state().users.map((user) => user.userId)).toContain(8);
      expect([...state().clients.keys()].map((id) => id[0]).sort()).toEqual(['b', 'c', 'e', 'f']);
      expect(state().clients.get(client('e').id)?.userId).toBe(8);
      state().applyUpdate(update({ clientPage: { id: 4, clients: [client('y')], last: true } }));
      expect(state().clients.has(client('y').id)).toBe(false); // its snapshot is complete
      state().applyInit(hubInit({ clients: [client('a')] }));
      expect(state().clientsLoading).toBeNull();
      expect(state().clients.size).toBe(1);
    });

    it('merges users and topics from their deltas', () => {
      state().applyInit(
        hubInit({
          users: [{ userId: 2, clientIds: ['x'] }],
          topics: [
            { topic: 'cats', subscribers: 1, published: 0 },
            { topic: 'dogs', subscribers: 1, published: 0 },
          ],
        }),
      );
      state().applyUpdate(
        update({
          users: [{ userId: 1, clientIds: ['y'] }],
          topics: [{ topic: 'cats', subscribers: 2, published: 9 }],
          topicsRemoved: ['dogs'],
        }),
      );
      expect(state().users.map((u) => u.userId)).toEqual([1, 2]);
      expect(state().topics).toEqual([{ topic: 'cats', subscribers: 2, published: 9 }]);
      state().applyUpdate(update({ usersRemoved: [1, 2] }));
      expect(state().users).toEqual([]);
    });

    it('keeps the same clients map when a push carries no client change', () => {
      state().applyUpdate(update({ upserts: [client('a')] }));
      const before = state().clients;
      state().applyUpdate(update({ deliveredPerSecond: 12 }));
      expect(state().clients).toBe(before);
      expect(state().deliveredPerSecond).toBe(12);
    });

    it('takes status, users and topics from every push', () => {
      state().applyUpdate(
        update({
          users: [{ userId: 4, clientIds: ['x'] }],
          topics: [{ topic: 'cats', subscribers: 1, published: 2 }],
          status: { state: 'error', listen: null, error: { code: 'EADDRINUSE', message: 'port 8000 is in use' } },
        }),
      );
      expect(state().users).toEqual([{ userId: 4, clientIds: ['x'] }]);
      expect(state().topics[0]?.topic).toBe('cats');
      expect(state().status.error?.code).toBe('EADDRINUSE');
    });
  });

  describe('#appendLog', () => {
    it(`keeps only the last ${logLimit} lines`, () => {
      const lines = Array.from({ length: logLimit + 250 }, (_, i) => logEntry(i));
      state().appendLog(lines.slice(0, 600));
      state().appendLog(lines.slice(600));
      expect(state().log).toHaveLength(logLimit);
      expect(state().log[0]?.seq).toBe(250);
      expect(state().log.at(-1)?.seq).toBe(logLimit + 249);
    });

    it('skips lines it already has (init and the first pushes overlap)', () => {
      state().appendLog([logEntry(1), logEntry(2)]);
      state().appendLog([logEntry(2), logEntry(3)]);
      expect(state().log.map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('holds new lines while paused and shows them on resume', () => {
      state().appendLog([logEntry(1)]);
      state().setLogPaused(true);
      state().appendLog([logEntry(2), logEntry(3)]);
      expect(state().log.map((e) => e.seq)).toEqual([1]);
      expect(state().held).toHaveLength(2);
      state().setLogPaused(false);
      expect(state().log.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(state().held).toEqual([]);
    });

    it('filters by text or event kind, newest first', () => {
      state().appendLog([logEntry(1, 'user 7 connected'), logEntry(2, 'published to cats'), logEntry(3, 'cats again')]);
      state().setLogFilter('CATS');
      expect(hubSelectors.visibleLog(state()).map((e) => e.seq)).toEqual([3, 2]);
    });
  });

  describe('hubSelectors.visibleClients', () => {
    beforeEach(() => {
      state().setClients([
        client('a', { userId: 3, topics: ['cats'], messagesSent: 10, registeredAt: 1 }),
        client('b', { userId: 1, topics: ['dogs'], messagesSent: 30, registeredAt: 2, connected: false }),
        client('c', { userId: 2, topics: ['cats', 'birds'], messagesSent: 20, registeredAt: 3 }),
      ]);
    });
    const ids = () => hubSelectors.visibleClients(state()).map((c) => c.id[0]);

    it('sorts by the chosen column and flips on a second click', () => {
      state().sortClientsBy('messagesSent');
      expect(ids()).toEqual(['a', 'c', 'b']);
      state().sortClientsBy('messagesSent');
      expect(ids()).toEqual(['b', 'c', 'a']);
      state().sortClientsBy('userId');
      expect(ids()).toEqual(['b', 'c', 'a']);
    });

    it('filters by words, user:N and topic:name, and by connection state', () => {
      state().setClientFilter('cats');
      expect(ids().sort()).toEqual(['a', 'c']);
      state().setClientFilter('user:2');
      expect(ids()).toEqual(['c']);
      state().setClientFilter('topic:dogs');
      expect(ids()).toEqual(['b']);
      state().setClientFilter('');
      state().setConnectionFilter('connected');
      expect(ids().sort()).toEqual(['a', 'c']);
    });

    it('follows counter pushes without re-sorting, unless sorted by a counter', () => {
      const before = hubSelectors.visibleClients(state()).map((c) => c.id[0]);
      state().applyCounters([[client('b').id, 99, 990, 0, 0]]);
      const after = hubSelectors.visibleClients(state());
      expect(after.map((c) => c.id[0])).toEqual(before);
      expect(after.find((c) => c.id[0] === 'b')?.messagesSent).toBe(99);
      state().sortClientsBy('messagesSent');
      expect(hubSelectors.visibleClients(state()).map((c) => c.id[0])).toEqual(['a', 'c', 'b']); // the table reads
      state().applyCounters([[client('a').id, 500, 5000, 0, 0]]);
      expect(hubSelectors.visibleClients(state()).map((c) => c.id[0])).toEqual(['c', 'b', 'a']);
    });

    it('returns the same array while its inputs are unchanged', () => {
      const first = hubSelectors.visibleClients(state());
      state().appendLog([logEntry(1)]);
      expect(hubSelectors.visibleClients(state())).toBe(first);
      state().setClientFilter('cats');
      expect(hubSelectors.visibleClients(state())).not.toBe(first);
    });
  });

  describe('hubSelectors.userRows', () => {
    it('counts connected clients and unions their topics', () => {
      state().setClients([
        client('a', { userId: 5, topics: ['cats'] }),
        client('b', { userId: 5, topics: ['dogs', 'cats'], connected: false }),
      ]);
      useStore.setState({ users: [{ userId: 5, clientIds: [client('a').id, client('b').id] }] });
      const shown = hubSelectors.userRows(state()).map(({ userId, clients, connected, topics }) => ({
        userId,
        clients,
        connected,
        topics,
      }));
      expect(shown).toEqual([{ userId: 5, clients: 2, connected: 1, topics: ['cats', 'dogs'] }]);
      expect(
        hubSelectors
          .clientsForUser(5)(state())
          .map((c) => c.id[0]),
      ).toEqual(['a', 'b']);
    });
    it("counts a user's connected clients and builds its topic union when the row's fields are read, once", () => {
      const reads = { topics: 0, connected: 0 };
      const counted = (id: string, topics: string[], connected: boolean): ClientInfo => {
        const made = client(id, { userId: 7 });
        for (const [field, value] of [
          ['topics', topics],
          ['connected', connected],
        ] as const) {
          Object.defineProperty(made, field, {
            get: () => {
              reads[field] += 1;
              return value;
            },
          });
        }
        return made;
      };
      const members = [counted('a', ['dogs', 'cats'], true), counted('b', ['cats', 'birds'], false)];
      const rows = userRows(
        [{ userId: 7, clientIds: members.map((m) => m.id) }],
        new Map(members.map((m) => [m.id, m])),
      );
      expect(rows[0]).toMatchObject({ userId: 7, clients: 2 });
      expect(reads).toEqual({ topics: 0, connected: 0 });
      expect(rows[0]?.topics).toEqual(['birds', 'cats', 'dogs']);
      expect(rows[0]?.connected).toBe(1);
      expect(reads).toEqual({ topics: 2, connected: 2 });
      expect(rows[0]?.topics).toBe(rows[0]?.topics);
      expect(rows[0]?.connected).toBe(1);
      expect(reads).toEqual({ topics: 2, connected: 2 });
    });
  });

  describe('users and topics filters', () => {
    it('matches a user by exact id or by a topic of its clients', () => {
      state().setClients([client('a', { userId: 5, topics: ['cats'] }), client('b', { userId: 15, topics: ['dogs'] })]);
      useStore.setState({
        users: [
          { userId: 5, clientIds: [client('a').id] },
          { userId: 15, clientIds: [client('b').id] },
        ],
      });
      state().setUserFilter('5');
      expect(hubSelectors.userRows(state()).map((u) => u.userId)).toEqual([5]);
      state().setUserFilter('dog');
      expect(hubSelectors.userRows(state()).map((u) => u.userId)).toEqual([15]);
    });

    it('lists topics busiest first and filters them by name', () => {
      useStore.setState({
        topics: [
          { topic: 'b', subscribers: 1, published: 0 },
          { topic: 'a', subscribers: 1, published: 0 },
          { topic: 'cats', subscribers: 9, published: 0 },
        ],
      });
      expect(hubSelectors.sortedTopics(state()).map((t) => t.topic)).toEqual(['cats', 'a', 'b']);
      state().setTopicFilter('CA');
      expect(hubSelectors.sortedTopics(state()).map((t) => t.topic)).toEqual(['cats']);
    });
  });

  describe('#connect', () => {
    it('loads a full snapshot when the link opens, then applies pushes', async () => {
      const transport = recordingTransport({
        getInit: hubInit({ clients: [client('a')], log: [logEntry(1)] }),
      });
      const detach = state().connect(transport);
      await vi.waitFor(() => expect(state().loaded).toBe(true));
      expect(transport.calls).toEqual([{ name: 'getInit', arg: null }]);
      expect(state().clients.size).toBe(1);
      transport.push(update({ upserts: [client('b')], log: [logEntry(1), logEntry(2)] }));
      expect(state().clients.size).toBe(2);
      expect(state().log.map((e) => e.seq)).toEqual([1, 2]);
      detach();
      transport.push(update({ removed: [client('a').id] }));
      expect(state().clients.size).toBe(2);
    });

    it('applies the snapshot in a task after the one that received it, and pushes received meanwhile after it', async () => {
      const transport = recordingTransport();
      let answer: (init: HubInit) => void = () => undefined;
      const answered = new Promise<HubInit>((resolve) => (answer = resolve));
      const call = transport.call.bind(transport);
      transport.call = ((name, arg) =>
        name === 'getInit' ? answered.then((value) => ({ ok: true, value })) : call(name, arg)) as typeof call;
      const detach = state().connect(transport);
      answer(hubInit({ clients: [client('a')] }));
      // Microtasks only: the store's continuation runs, and the timer of its next task has not fired.
      for (let hop = 0; hop < 10; hop++) await Promise.resolve();
      expect(state().loaded).toBe(false);
      transport.push(update({ upserts: [client('b')] }));
      expect(state().clients.size).toBe(0); // held, not applied before the snapshot it follows
      await vi.waitFor(() => expect(state().loaded).toBe(true));
      expect([...state().clients.keys()]).toEqual([client('a').id, client('b').id]);
      detach();
    });

    it('asks for each next page of a paged snapshot once it applied the one before, each from a task of its own', async () => {
      const transport = recordingTransport({
        getInit: hubInit({ clients: [client('a')], clientPages: { id: 7, total: 4 } }),
        nextClientPage: { sent: true },
      });
      const detach = state().connect(transport);
      const asks = () => transport.calls.filter((c) => c.name === 'nextClientPage');
      await vi.waitFor(() => expect(asks()).toEqual([{ name: 'nextClientPage', arg: { id: 7 } }]));
      transport.push(update({ clientPage: { id: 6, clients: [client('z')], last: false } })); // an earlier snapshot's
      transport.push(update({ clientPage: { id: 7, clients: [client('b'), client('c')], last: false } }));
      expect(asks()).toHaveLength(1); // not in the page's own task
      await vi.waitFor(() => expect(asks()).toHaveLength(2));
      expect(asks()[1]?.arg).toEqual({ id: 7 });
      transport.push(update({ clientPage: { id: 7, clients: [client('d')], last: true } }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(asks()).toHaveLength(2); // complete: nothing more to ask
      expect(state().clients.size).toBe(4);
      detach();
    });

    it('starts the log again from each snapshot, so a restarted hub’s lines are not mistaken for old ones', () => {
      state().appendLog([logEntry(7), logEntry(8)]);
      state().applyInit(hubInit({ log: [logEntry(0, 'fresh start')] }));
      state().appendLog([logEntry(1)]);
      expect(state().log.map((e) => e.seq)).toEqual([0, 1]);
    });

    it('follows the hub’s security and settings, and brings a dismissed "open hub" banner back when reopened', () => {
      const locked = { tokenRequired: true, originsRestricted: false, tls: true };
      const open = { tokenRequired: false, originsRestricted: false, tls: true };
      state().applyInit(hubInit());
      state().setOpenBannerDismissed(true);
      state().applyUpdate(update({ security: open }));
      expect(state().openBannerDismissed).toBe(true);
      state().applyUpdate(update({ security: locked, config: hubConfig({ maxTopics: 3 }) }));
      expect(state().security).toEqual(locked);
      expect(state().config?.settings.maxTopics).toBe(3);
      state().applyUpdate(update({ security: open }));
      expect(state().config?.settings.maxTopics).toBe(3); // kept when a push has no settings
      expect(state().openBannerDismissed).toBe(false);
    });

    it('answers commands with "unavailable" before a transport is attached', async () => {
      const result = await state().call('publish', { topic: 'cats', message: 'hi' });
      expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    });
  });

  it('matchesClientFilter needs every word to match', () => {
    const c = client('abc', { userId: 12, topics: ['Kitchen'], remoteAddress: '10.0.0.7' });
    expect(matchesClientFilter(c, 'kitchen 10.0.0')).toBe(true);
    expect(matchesClientFilter(c, 'kitchen user:1')).toBe(false);
  });
});
