// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Column, VirtualTable } from './VirtualTable';

// jsdom does no layout: give the scroll container a height so the virtualizer has a window to fill.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});
afterEach(cleanup);

interface Item {
  id: string;
  count: number;
}
const columns: Column<Item>[] = [{ id: 'count', header: 'Count', width: '80px', render: (item) => item.count }];
const rowKey = (item: Item): string => item.id;

describe('VirtualTable', () => {
  it('draws rows changed in place again when its version changes, and only then', () => {
    const rows: Item[] = [
      { id: 'a', count: 1 },
      { id: 'b', count: 2 },
    ];
    const table = (version: number) => (
      <VirtualTable label="Items" columns={columns} rows={rows} rowKey={rowKey} rowTestId="item" version={version} />
    );
    const { rerender } = render(table(0));
    const counts = () => screen.getAllByTestId('item').map((row) => row.textContent);
    expect(counts()).toEqual(['1', '2']);
    (rows[1] as Item).count = 7;
    rerender(table(0));
    expect(counts()).toEqual(['1', '2']); // memoised rows: the same objects draw nothing new
    rerender(table(1));
    expect(counts()).toEqual(['1', '7']);
  });
});
