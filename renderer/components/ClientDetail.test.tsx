// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { client, update } from '../../test/renderer/store';
import { ClientDetail } from './ClientDetail';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

describe('ClientDetail', () => {
  it('shows the counters of each push (they change in place, without a new clients map)', () => {
    useStore.getState().applyUpdate(update()); // the hub's address: nothing else changes below but the counters
    useStore.getState().setClients([client('a'), client('b')]);
    render(<ClientDetail id={client('a').id} />);
    expect(screen.getByTestId('detail-sent').textContent).toBe('0');
    act(() => useStore.getState().applyUpdate(update({ counters: [[client('a').id, 1_234, 99, 0, 0]] })));
    expect(screen.getByTestId('detail-sent').textContent).toBe('1,234');
  });
});
