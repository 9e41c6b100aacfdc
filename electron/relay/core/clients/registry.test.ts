import { describe, expect, it } from 'vitest';
import { Registry } from './registry';

function makeRegistry(): Registry<string> {
  let next = 0;
  return new Registry<string>(() => `id${next++}`);
}

const ids = (records: Iterable<{ id: string }>): string[] => [...records].map((r) => r.id).sort();

describe('Registry', () => {
  describe('#add', () => {
    it('subscribes new registrations to cats and indexes them by user', () => {
      const registry = makeRegistry();
      const a = registry.add(1);
      const b = registry.add(1);
      expect(a.topics).toEqual(['cats']);
      expect(ids(registry.clientsOf(1))).toEqual([a.id, b.id].sort());
      expect(ids(registry.recipients('cats'))).toEqual([a.id, b.id].sort());
      expect(registry.size).toBe(2);
      expect(registry.userCount).toBe(1);
    });
    it('never reuses an id that is taken', () => {
      const values = ['same', 'same', 'other'];
      const registry = new Registry<string>(() => values.shift() ?? 'end');
      expect(registry.add(1).id).toBe('same');
      expect(registry.add(2).id).toBe('other');
    });
  });

  describe('names and keys', () => {
    it('finds a registration by name within its key, and forgets the name when it goes', () => {
      const registry = makeRegistry();
      const plain = registry.add(1, 5, { name: 'kitchen' });
      const keyed = registry.add(2, 6, { name: 'kitchen', keyId: 'k1' });
      const other = registry.add(3, 7, { keyId: 'k1' });
      expect(plain).toMatchObject({ name: 'kitchen', keyId: null, lastSeen: 5, everConnected: false });
      expect(registry.named(null, 'kitchen')).toBe(plain);
      expect(registry.named('k1', 'kitchen')).toBe(keyed);
      expect(registry.named('k2', 'kitchen')).toBeUndefined();
      expect(registry.named(null, 'hall')).toBeUndefined();
      expect(ids(registry.ofKey('k1'))).toEqual([keyed.id, other.id].sort());
      expect(registry.ofKey('k2')).toEqual([]);
      registry.remove(keyed.id);
      expect(registry.named('k1', 'kitchen')).toBeUndefined();
      expect(registry.named(null, 'kitchen')).toBe(plain);
      expect(ids(registry.ofKey('k1'))).toEqual([other.id]);
    });

    it('starts on given topics (each once), or shares the frozen default set', () => {
      const registry = makeRegistry();
      const a = registry.add(1);
      const b = registry.add(1);
      expect(a.topics).toBe(b.topics);
      expect(a.topics).toBe(registry.defaultTopics);
      expect(Object.isFrozen(a.topics)).toBe(true);
      const c = registry.add(1, 0, {}, ['x', 'x', 'y']);
      expect(c.topics).toEqual(['x', 'y']);
      expect(ids(registry.recipients('x'))).toEqual([c.id]);
      expect(ids(registry.recipients('cats'))).toEqual([a.id, b.id].sort());
      const none = registry.add(2, 0, {}, []);
      expect(none.topics).toEqual([]);
    });
  });

  describe('#setTopics', () => {
    it('moves the registration between topic indexes', () => {
      const registry = makeRegistry();
      const a = registry.add(1);
      registry.setTopics(a, ['dogs', 'birds']);
      expect(ids(registry.recipients('cats'))).toEqual([]);
      expect(ids(registry.recipients('dogs'))).toEqual([a.id]);
      expect(registry.topics().map((t) => t.topic)).toEqual(['dogs', 'birds']);
    });
    it('keeps the topics both sets share, adds the new ones, drops the rest', () => {
      const registry = makeRegistry();
      const a = registry.add(1);
      registry.setTopics(a, ['cats', 'dogs']);
      registry.setTopics(a, ['cats', 'dogs', 'birds']);
      for (const topic of ['cats', 'dogs', 'birds']) expect(ids(registry.recipients(topic))).toEqual([a.id]);
      registry.setTopics(a, ['dogs', 'dogs']);
      expect(a.topics).toEqual(['dogs']);
      expect(registry.topics()).toEqual([{ topic: 'dogs', subscribers: 1, published: 0 }]);
    });
    it('drops the topic when its last subscriber leaves', () => {
      const registry = makeRegistry();
      const a = registry.add(1);
      registry.notePublished('cats');
      registry.setTopics(a, []);
      expect(registry.topicCount).toBe(0);
      registry.setTopics(a, ['cats']);
      expect(registry.topics()).toEqual([{ topic: 'cats', subscribers: 1, published: 0 }]);
    });
  });

  describe('#recipients', () => {
    it('with a user: only that user’s clients on the topic', () => {
      const registry = makeRegistry();
      const a1 = registry.add(1);
      const a2 = registry.add(1);
      const a3 = registry.add(1);
      registry.add(2);
      registry.setTopics(a3, ['dogs']);
      expect(ids(registry.recipients('cats', 1))).toEqual([a1.id, a2.id].sort());
      expect(ids(registry.recipients('dogs', 2))).toEqual([]);
      expect(ids(registry.recipients('cats', 99))).toEqual([]);
      expect(ids(registry.recipients('nobody'))).toEqual([]);
    });
    it('walks the smaller side: a user with many clients on a small topic', () => {
      const registry = makeRegistry();
      const many = Array.from({ length: 50 }, () => registry.add(1));
      for (const record of many) registry.setTopics(record, ['a']);
      const one = many[7];
      if (!one) throw new Error('setup');
      registry.setTopics(one, ['a', 'rare']);
      expect(ids(registry.recipients('rare', 1))).toEqual([one.id]);
    });
  });

  describe('#remove', () => {
    it('keeps the user and the topic while other registrations hold them', () => {
      const registry = makeRegistry();
      const a = registry.add(1);
      const b = registry.add(1);
      registry.notePublished('cats');
      registry.remove(a.id);
      expect(registry.clientsOf(1)).toEqual([b]);
      expect(registry.userCount).toBe(1);
      expect(registry.users()).toEqual([{ userId: 1, clientIds: [b.id] }]);
      expect(registry.topics()).toEqual([{ topic: 'cats', subscribers: 1, published: 1 }]);
    });
    it('removes from every index and returns undefined for unknown ids', () => {
      const registry = makeRegistry();
      const a = registry.add(1);
      expect(registry.remove(a.id)).toBe(a);
      expect(registry.remove(a.id)).toBeUndefined();
      expect(registry.size).toBe(0);
      expect(registry.userCount).toBe(0);
      expect(registry.topicCount).toBe(0);
      expect(registry.users()).toEqual([]);
    });
  });

  describe('#notePublished', () => {
    it('counts publishes per topic only while the topic has subscribers', () => {
      const registry = makeRegistry();
      registry.add(1);
      registry.notePublished('cats');
      registry.notePublished('cats');
      registry.notePublished('ghost');
      expect(registry.topics()).toEqual([{ topic: 'cats', subscribers: 1, published: 2 }]);
      // A topic subscribed to later starts from zero.
      const later = registry.add(2);
      registry.setTopics(later, ['ghost']);
      expect(registry.topics()).toContainEqual({ topic: 'ghost', subscribers: 1, published: 0 });
    });
  });
});
