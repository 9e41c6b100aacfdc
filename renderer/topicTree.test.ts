import { describe, expect, it } from 'vitest';
import type { ClientInfo } from '../shared/hub';
import type { TopicLive } from '../shared/ipc';
import {
  ancestorsOf,
  buildTree,
  matchesFilter,
  protocolsByTopic,
  protocolSummary,
  topicMatcher,
  TopicTreeModel,
  visibleRows,
  type TopicLeaf,
} from './topicTree';

const live = (topic: string, messages: number, perSecond = 0, retained = false): TopicLive => ({
  topic,
  messages,
  perSecond,
  retained,
  last: { message: String(messages), ts: 1, bytes: 1, truncated: false },
});
const leaf = (topic: string, messages: number, extra: Partial<TopicLeaf> = {}): TopicLeaf => ({
  topic,
  subscribers: 0,
  protocols: null,
  live: live(topic, messages),
  ...extra,
});

describe('topicMatcher', () => {
  it('takes + as one level and # as every level below (also none), like MQTT', () => {
    const match = (filter: string, topic: string): boolean => topicMatcher(filter)?.(topic) ?? true;
    expect(match('home/+/temp', 'home/kitchen/temp')).toBe(true);
    expect(match('home/+/temp', 'home/kitchen/hall/temp')).toBe(false);
    expect(match('home/+/temp', 'home/temp')).toBe(false);
    expect(match('home/#', 'home')).toBe(true);
    expect(match('home/#', 'home/a/b/c')).toBe(true);
    expect(match('home/#', 'homes/a')).toBe(false);
    expect(match('#', 'anything/at/all')).toBe(true);
    expect(match('+/+', 'a/b')).toBe(true);
    expect(match('+/+', 'a')).toBe(false);
    expect(matchesFilter(['a', '#', 'b'], ['a', 'x', 'b'])).toBe(false); // # only last
  });

  it('without wildcards finds words in the name, any case; empty lets everything through', () => {
    expect(topicMatcher('KITCH')?.('home/kitchen/temp')).toBe(true);
    expect(topicMatcher('garage')?.('home/kitchen/temp')).toBe(false);
    expect(topicMatcher('  ')).toBeNull();
    // A + inside a word is no wildcard.
    expect(topicMatcher('a+b')?.('x/a+b')).toBe(true);
  });
});

describe('buildTree', () => {
  const leaves = [
    leaf('home/kitchen/temp', 5, { subscribers: 2, live: live('home/kitchen/temp', 5, 1.5, true) }),
    leaf('home/kitchen/hum', 3),
    leaf('home/hall', 1, { subscribers: 1, protocols: { ws: 1 } }),
    leaf('home', 7, { subscribers: 1, protocols: { mqtt: 1 } }),
    leaf('garage/door', 2, { live: null, subscribers: 4 }),
  ];

  it('splits on / and rolls every branch up: topics, messages, rate, subscribers by protocol, retained', () => {
    const root = buildTree(leaves);
    expect(root).toMatchObject({ topics: 5, messages: 16, perSecond: 1.5, subscribers: 8, retained: 1 });
    const home = root.children.find((n) => n.name === 'home');
    expect(home).toMatchObject({ path: 'home', topics: 4, messages: 16, subscribers: 4, retained: 1 });
    // `home` is a topic and a branch at once.
    expect(home?.leaf?.topic).toBe('home');
    expect(home?.protocols).toEqual({ mqtt: 1, ws: 3 });
    const kitchen = home?.children.find((n) => n.name === 'kitchen');
    expect(kitchen).toMatchObject({ path: 'home/kitchen', depth: 2, leaf: null, topics: 2, messages: 8 });
    expect(root.children.find((n) => n.name === 'garage')?.messages).toBe(0);
  });

  it('keeps only what the filter matches, with the branches leading to it', () => {
    const root = buildTree(leaves, topicMatcher('home/+/temp'));
    expect(root.matched).toBe(1);
    expect(visibleRows(root, new Set(), true).map((r) => r.node.path)).toEqual([
      'home',
      'home/kitchen',
      'home/kitchen/temp',
    ]);
  });

  it('handles empty levels', () => {
    const root = buildTree([leaf('/lead', 1), leaf('a//b', 1)]);
    expect(visibleRows(root, new Set(['', 'a', 'a/']), false).map((r) => [r.node.path, r.node.name])).toEqual([
      ['', ''],
      ['/lead', 'lead'],
      ['a', 'a'],
      ['a/', ''],
      ['a//b', 'b'],
    ]);
  });
});

describe('TopicTreeModel', () => {
  it('refreshes values in place, and reshapes when topics come or go', () => {
    const model = new TopicTreeModel();
    model.update([leaf('a/x', 1), leaf('a/y', 2)]);
    const a = model.root.children[0];
    expect(a).toMatchObject({ path: 'a', messages: 3, topics: 2 });
    model.update([leaf('a/x', 10), leaf('a/y', 20)]);
    expect(model.root.children[0]).toBe(a); // the same node, new totals
    expect(a).toMatchObject({ messages: 30 });
    model.update([leaf('a/x', 10), leaf('b', 5)]);
    expect(visibleRows(model.root, new Set(['a'])).map((r) => r.node.path)).toEqual(['a', 'a/x', 'b']);
    expect(model.root).toMatchObject({ topics: 2, messages: 15 });
    expect(model.filter(topicMatcher('b'))).toBe(1);
    expect(visibleRows(model.root, new Set(['a'])).map((r) => r.node.path)).toEqual(['b']);
    expect(model.filter(null)).toBe(2);
  });
});

describe('TopicTreeModel growing in steps', () => {
  it('adds at most `budget` new topics per update, and ends where one update would', () => {
    const many = Array.from({ length: 25 }, (_, i) => leaf(`a/${i % 3}/t${i}`, i));
    const stepped = new TopicTreeModel();
    stepped.filter(topicMatcher('a/1/#'));
    const steps: boolean[] = [];
    for (let done = false; !done;) steps.push((done = stepped.update(many, 10)));
    expect(steps).toEqual([false, false, true]);
    const whole = new TopicTreeModel();
    whole.filter(topicMatcher('a/1/#'));
    expect(whole.update(many)).toBe(true);
    const shape = (model: TopicTreeModel) =>
      visibleRows(model.root, new Set(), true).map((r) => [
        r.node.path,
        r.node.topics,
        r.node.matched,
        r.node.messages,
      ]);
    expect(shape(stepped)).toEqual(shape(whole));
    expect(stepped.root).toMatchObject({ topics: 25, matched: 8, messages: 300 });
  });
});

describe('TopicTreeModel refreshes', () => {
  it('adds only what changed, and ends where a tree built afresh would', () => {
    const topics = ['a/x/1', 'a/x/2', 'a/y', 'a', 'b/z'];
    let n = 0;
    const random = (): number => (n = (n * 9301 + 49297) % 233280) / 233280;
    const data = (): TopicLeaf[] =>
      topics.map((topic) => {
        const subscribers = Math.floor(random() * 3);
        return {
          topic,
          subscribers,
          protocols: random() < 0.5 ? null : { ws: subscribers, mqtt: 1 },
          live:
            random() < 0.2
              ? null
              : live(topic, Math.floor(random() * 100), Math.round(random() * 50) / 10, random() < 0.5),
        };
      });
    const model = new TopicTreeModel();
    for (let round = 0; round < 50; round++) {
      const leaves = data();
      model.update(leaves);
      const fresh = buildTree(leaves);
      const totals = (root: typeof fresh) =>
        visibleRows(root, new Set(), true).map((r) => [
          r.node.path,
          r.node.messages,
          r.node.perSecond,
          r.node.subscribers,
          r.node.retained,
          protocolSummary(r.node.protocols),
        ]);
      expect(totals(model.root)).toEqual(totals(fresh));
    }
  });
});

describe('TopicTreeModel.change', () => {
  it('gives some topics new data and ends where a tree built afresh would; refuses, changing nothing, a topic it lacks', () => {
    const model = new TopicTreeModel();
    model.update([leaf('a/x', 1), leaf('a/y', 2), leaf('b', 3, { subscribers: 1, protocols: { mqtt: 1 } })]);
    const shape = model.shape;
    expect(model.change([leaf('a/y', 7), leaf('b', 4, { subscribers: 2, protocols: { ws: 1, mqtt: 1 } })])).toBe(true);
    const fresh = buildTree([
      leaf('a/x', 1),
      leaf('a/y', 7),
      leaf('b', 4, { subscribers: 2, protocols: { ws: 1, mqtt: 1 } }),
    ]);
    const totals = (root: typeof fresh) =>
      visibleRows(root, new Set(), true).map((r) => [
        r.node.path,
        r.node.messages,
        r.node.subscribers,
        protocolSummary(r.node.protocols),
      ]);
    expect(totals(model.root)).toEqual(totals(fresh));
    expect(model.root).toMatchObject({ messages: 12, subscribers: 2 });
    expect(model.shape).toBe(shape);
    expect(model.change([leaf('a/x', 50), leaf('c', 1)])).toBe(false);
    expect(totals(model.root)).toEqual(totals(fresh));
    model.update([leaf('a/x', 1), leaf('a/y', 7), leaf('b', 4), leaf('c', 1)]);
    expect(model.shape).not.toBe(shape);
  });
});

describe('visibleRows', () => {
  it('lists children of expanded nodes only, by name, with their place among siblings', () => {
    const root = buildTree([leaf('b/2', 1), leaf('b/1', 1), leaf('a', 1), leaf('c/x/y', 1)]);
    expect(visibleRows(root, new Set()).map((r) => r.node.path)).toEqual(['a', 'b', 'c']);
    const rows = visibleRows(root, new Set(['b', 'c/x']));
    expect(rows.map((r) => [r.node.path, r.position, r.siblings])).toEqual([
      ['a', 1, 3],
      ['b', 2, 3],
      ['b/1', 1, 2],
      ['b/2', 2, 2],
      ['c', 3, 3],
    ]);
  });

  it('builds and flattens 10,000 topics fast', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => leaf(`site-${i % 10}/floor-${i % 7}/room-${i}/temp`, i));
    const model = new TopicTreeModel();
    model.update(many);
    const rows = visibleRows(model.root, new Set(), true);
    expect(rows.length).toBe(10 + 70 + 20_000);
    expect(model.root.messages).toBe((9_999 * 10_000) / 2);
    // A refresh of the same topics' values: a lookup each and one pass up (typically ~2 ms).
    const refreshed = many.map((l) => ({ ...l, live: live(l.topic, 1) }));
    // In CPU time (Node's process: Vitest runs this in Node), which a loaded machine does not
    // stretch by descheduling the test; the wall clock passed 100 ms at a load of 14.
    const node = globalThis as unknown as { process: { cpuUsage(): { user: number; system: number } } };
    const cpu = node.process.cpuUsage();
    model.update(refreshed);
    const { user, system } = node.process.cpuUsage();
    expect((user + system - cpu.user - cpu.system) / 1000).toBeLessThan(100);
    expect(model.root.messages).toBe(10_000);
  });
});

describe('protocols', () => {
  const client = (id: string, topics: string[], protocol?: ClientInfo['protocol']): ClientInfo =>
    ({ id, topics, ...(protocol === undefined ? {} : { protocol }) }) as ClientInfo;

  it('counts subscribers by protocol (absent is ws), or says every one is ws', () => {
    const plain = new Map([['1', client('1', ['a'])]]);
    expect(protocolsByTopic(plain)).toBeNull();
    const mixed = new Map([
      ['1', client('1', ['a', 'b'])],
      ['2', client('2', ['a'], 'mqtt')],
      ['3', client('3', ['a'], 'sse')],
    ]);
    expect(Object.fromEntries(protocolsByTopic(mixed) ?? [])).toEqual({
      a: { ws: 1, mqtt: 1, sse: 1 },
      b: { ws: 1 },
    });
    expect(protocolSummary({ ws: 1200, mqtt: 1 })).toBe('1,200 ws · 1 mqtt');
    expect(protocolSummary({})).toBe('—');
    // In one order however the counts were added (a refresh adds a protocol after the others).
    expect(protocolSummary({ sse: 2, mqtt: 0, ws: 1 })).toBe('1 ws · 2 sse');
  });

  it('names the ancestors of a topic', () => {
    expect(ancestorsOf('a/b/c')).toEqual(['a', 'a/b']);
    expect(ancestorsOf('a')).toEqual([]);
  });
});
