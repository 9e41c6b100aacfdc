import { describe, expect, it } from 'vitest';
import type { ClientInfo } from '../../../../shared/hub';
import { filterMatches } from '../../../../shared/topic-filter';
import { Delivery } from './fanout';
import { FilterIndex } from './filter-index';
import { Subscribers, type Subscriber } from './subscribers';

/** A subscriber that keeps what it gets (the index under test decides who gets what). */
function collector(id: string, userId: number | null = null): Subscriber & { got: string[] } {
  const got: string[] = [];
  return {
    id,
    protocol: 'sse',
    userId,
    got,
    deliver: (delivery) => {
      got.push(delivery.topic);
      return true;
    },
    info: () => ({ id, protocol: 'sse' }) as unknown as ClientInfo,
    close: () => undefined,
  };
}

const delivery = (topic: string, userId?: number): Delivery => new Delivery(topic, 'x', userId, 0, 1, 'e');

describe('FilterIndex', () => {
  it('finds exactly the filters filterMatches accepts', () => {
    const filters = ['#', '+', 'a', 'a/#', 'a/+', 'a/+/c', '+/b/#', 'a/b/c', '+/+/+', '$SYS/#', 'x/#'];
    const topics = ['a', 'a/b', 'a/b/c', 'a/x/c', 'b/b', 'q/b/c/d', '$SYS/up', '/', 'x'];
    const index = new FilterIndex<string>();
    for (const filter of filters) index.add(filter, filter);
    for (const topic of topics) {
      const found: string[] = [];
      index.match(topic, (value) => found.push(value));
      expect(found.sort(), topic).toEqual(filters.filter((f) => filterMatches(f, topic)).sort());
    }
  });

  it('forgets removed values and prunes their branches', () => {
    const index = new FilterIndex<string>();
    index.add('a/+/c', 'one');
    index.add('a/+/c', 'two');
    index.remove('a/+/c', 'one');
    const found: string[] = [];
    index.match('a/b/c', (value) => found.push(value));
    expect(found).toEqual(['two']);
    index.remove('a/+/c', 'two');
    index.remove('a/+/c', 'two');
    expect(index.size).toBe(0);
  });
});

describe('Subscribers', () => {
  it('delivers by exact topic and by filter, once each, and only to the targeted user', () => {
    const subs = new Subscribers();
    const exactAndFilter = collector('both', 7);
    const filterOnly = collector('filter');
    const other = collector('other', 8);
    for (const sub of [exactAndFilter, filterOnly, other]) subs.add(sub);
    subs.subscribe(exactAndFilter, { topics: ['home/kitchen/temp'], filters: ['home/#', 'home/+/temp'] });
    subs.subscribe(filterOnly, { filters: ['home/+/temp'] });
    subs.subscribe(other, { topics: ['home/kitchen/temp'] });

    expect(subs.deliver(delivery('home/kitchen/temp'), undefined, undefined)).toBe(3);
    expect(exactAndFilter.got).toEqual(['home/kitchen/temp']);
    expect(subs.deliver(delivery('home/kitchen/temp', 7), 7, undefined)).toBe(1);
    expect(filterOnly.got).toEqual(['home/kitchen/temp']);
    expect(subs.deliver(delivery('home/hall/temp'), undefined, filterOnly)).toBe(1);
    expect(filterOnly.got).toHaveLength(1);
  });

  it('keeps + and # literal in exact topics', () => {
    const subs = new Subscribers();
    const literal = collector('literal');
    subs.add(literal);
    subs.subscribe(literal, { topics: ['a/+'] });
    expect(subs.deliver(delivery('a/b'), undefined, undefined)).toBe(0);
    expect(subs.deliver(delivery('a/+'), undefined, undefined)).toBe(1);
  });

  it('refuses a taken id and forgets a removed subscriber everywhere', () => {
    const subs = new Subscribers();
    const one = collector('same');
    expect(subs.add(one)).toBe(true);
    expect(subs.add(collector('same'))).toBe(false);
    subs.subscribe(one, { topics: ['t'], filters: ['t/#'] });
    expect(subs.topicCounts()).toEqual(new Map([['t', 1]]));
    subs.remove(one);
    expect(subs.get('same')).toBeUndefined();
    expect(subs.topicCounts().size).toBe(0);
    expect(subs.deliver(delivery('t/x'), undefined, undefined)).toBe(0);
  });

  it('unsubscribes topics and filters one by one', () => {
    const subs = new Subscribers();
    const one = collector('one');
    subs.add(one);
    subs.subscribe(one, { topics: ['t'], filters: ['u/+'] });
    subs.unsubscribe(one, { filters: ['u/+'] });
    expect(subs.subscriptions(one)).toEqual({ topics: ['t'], filters: [] });
    expect(subs.deliver(delivery('u/1'), undefined, undefined)).toBe(0);
    expect(subs.deliver(delivery('t'), undefined, undefined)).toBe(1);
  });
});
