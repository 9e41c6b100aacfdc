// @vitest-environment jsdom
import type { Virtualizer } from '@tanstack/react-virtual';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scrollAfterMount } from './virtualScroll';
import { type Column, VirtualTable } from './VirtualTable';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

interface Item {
  id: string;
}
const columns: Column<Item>[] = [{ id: 'id', header: 'Id', width: '80px', render: (item) => item.id }];
const items: Item[] = Array.from({ length: 1_000 }, (_, i) => ({ id: `item-${i}` }));

describe('virtualised tables lay nothing out in the task that renders them', () => {
  it('read the scroll element’s size only when a ResizeObserver reports it (after the browser’s layout)', () => {
    const observed: (() => void)[] = [];
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(readonly callback: () => void) {}
        observe(): void {
          observed.push(this.callback);
        }
        disconnect(): void {}
        unobserve(): void {}
      },
    );
    // Reading clientHeight is what lays a page out: count the reads.
    const height = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(200);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(800);
    render(<VirtualTable label="Items" columns={columns} rows={items} rowKey={(i) => i.id} rowTestId="item" />);
    expect(height).not.toHaveBeenCalled();
    // Meanwhile the window's size stands in (jsdom: 768 px, rows of 40 px, 8 more each side).
    const before = screen.getAllByTestId('item').length;
    expect(before).toBeGreaterThan(15);
    expect(observed).toHaveLength(1);
    act(() => observed[0]?.());
    expect(height).toHaveBeenCalled();
    expect(screen.getAllByTestId('item').length).toBeLessThan(before); // 200 px now
  });

  it('leave out the scroll a virtualizer writes when it mounts, and no other', () => {
    const element = document.createElement('div');
    const scrollTo = vi.fn();
    element.scrollTo = scrollTo as typeof element.scrollTo;
    const instance = { scrollElement: element, options: { horizontal: false } } as unknown as Virtualizer<
      HTMLDivElement,
      Element
    >;
    scrollAfterMount(0, {}, instance); // the mount's: to where a new element is already
    expect(scrollTo).not.toHaveBeenCalled();
    scrollAfterMount(0, {}, instance);
    scrollAfterMount(120, { behavior: 'smooth' }, instance);
    expect(scrollTo.mock.calls).toEqual([[{ top: 0 }], [{ top: 120, behavior: 'smooth' }]]);

    const other = document.createElement('div');
    other.scrollTo = scrollTo as typeof other.scrollTo;
    const remounted = { ...instance, scrollElement: other } as typeof instance;
    scrollAfterMount(40, {}, remounted); // a first scroll elsewhere than 0 is written
    expect(scrollTo).toHaveBeenCalledTimes(3);
  });
});
