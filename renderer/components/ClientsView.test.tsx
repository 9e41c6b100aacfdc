// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../store';
import { client, update } from '../../test/renderer/store';
import { recordingTransport } from '../../test/renderer/transport';
import { ClientsView } from './ClientsView';
import { confirmGuardMs } from './UnregisterButton';

// jsdom does no layout: give the scroll container a height so the virtualizer has a window to fill.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
});
beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

const rows = () => screen.queryAllByTestId('client-row');

describe('ClientsView', () => {
  it('shows the curl command to register a device when there are no clients', () => {
    useStore.getState().applyUpdate(update());
    render(<ClientsView />);
    expect(screen.getByText('No devices registered yet')).toBeTruthy();
    expect(screen.getByTestId('empty-command').textContent).toBe(
      `curl -X POST http://127.0.0.1:8000/register -H 'content-type: application/json' -d '{"user_id": 1}'`,
    );
  });

  it('filters rows as the operator types and offers to clear a filter that matches nothing', () => {
    useStore
      .getState()
      .setClients([
        client('a', { userId: 1, topics: ['cats'] }),
        client('b', { userId: 2, topics: ['dogs'] }),
        client('c', { userId: 3, topics: ['cats'] }),
      ]);
    render(<ClientsView />);
    expect(rows()).toHaveLength(3);
    fireEvent.change(screen.getByTestId('client-filter'), { target: { value: 'cats' } });
    expect(rows().map((r) => r.dataset.rowId?.[0])).toEqual(['a', 'c']);
    expect(screen.getByTestId('client-count').textContent).toBe('2 of 3 clients');
    fireEvent.change(screen.getByTestId('client-filter'), { target: { value: 'zebra' } });
    expect(rows()).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filter' }));
    expect(rows()).toHaveLength(3);
  });

  it('renders only a window of rows for 10,000 clients', () => {
    useStore
      .getState()
      .setClients(Array.from({ length: 10_000 }, (_, i) => client(i.toString(16).padStart(8, '0'), { userId: i })));
    render(<ClientsView />);
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(60);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('10001');
  });

  it('draws a counters push into the rows in view and the open panel, and says how far a paged snapshot is', () => {
    useStore.getState().setClients([client('a'), client('b')], { id: 7, total: 3 });
    render(<ClientsView />);
    expect(screen.getByTestId('client-count').textContent).toBe('Loading clients… 2 of 3');
    const sent = () => screen.getAllByRole('row').find((r) => r.dataset.rowId === client('b').id)?.textContent ?? '';
    expect(sent()).not.toContain('4,321');
    act(() => useStore.getState().applyUpdate(update({ counters: [[client('b').id, 4_321, 1, 0, 0]] })));
    expect(sent()).toContain('4,321');
    act(() => useStore.getState().openClientDetail(client('a').id));
    act(() => useStore.getState().applyUpdate(update({ counters: [[client('a').id, 98_765, 1, 0, 0]] })));
    expect(screen.getByTestId('detail-sent').textContent).toBe('98,765');
    act(() => useStore.getState().applyUpdate(update({ clientPage: { id: 7, clients: [client('c')], last: true } })));
    expect(screen.getByTestId('client-count').textContent).toBe('3 clients');
  });

  it('sorts when a column header is clicked', () => {
    useStore.getState().setClients([client('a', { userId: 2 }), client('b', { userId: 1 })]);
    render(<ClientsView />);
    fireEvent.click(screen.getByRole('button', { name: /^User/ }));
    expect(rows().map((r) => r.dataset.rowId?.[0])).toEqual(['b', 'a']);
    expect(screen.getByRole('columnheader', { name: /User/ }).getAttribute('aria-sort')).toBe('ascending');
  });

  it('asks before unregistering a client from its row, and drops the row when the hub says it is gone', async () => {
    const transport = recordingTransport({ unregister: { removed: true, id: client('a').id } });
    useStore.getState().connect(transport);
    useStore.getState().setClients([client('a'), client('b')]);
    render(<ClientsView />);
    const row = rows().find((r) => r.dataset.rowId === client('a').id);
    if (row === undefined) throw new Error('row a missing');
    vi.useFakeTimers({ toFake: ['Date'] });
    // A double-click only asks: the second click comes too soon to confirm.
    fireEvent.click(within(row).getByTestId('unregister'));
    fireEvent.click(within(row).getByTestId('unregister-confirm'));
    expect(transport.calls.filter((c) => c.name === 'unregister')).toEqual([]);
    vi.setSystemTime(Date.now() + confirmGuardMs);
    fireEvent.click(within(row).getByTestId('unregister-confirm'));
    vi.useRealTimers();
    await act(async () => {
      transport.push(update({ removed: [client('a').id] }));
      await Promise.resolve();
    });
    expect(transport.calls).toContainEqual({ name: 'unregister', arg: { id: client('a').id } });
    expect(rows().map((r) => r.dataset.rowId)).toEqual([client('b').id]);
  });
});
