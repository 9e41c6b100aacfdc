// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterInfo } from '../../shared/hub';
import { useStore } from '../store';
import { client, hubInit, update } from '../../test/renderer/store';
import { ClientHub } from './ClientHub';
import { ClusterBanner } from './ClusterBanner';
import { ClusterPanel } from './ClusterPanel';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

function cluster(overrides: Partial<ClusterInfo> = {}): ClusterInfo {
  return {
    state: 'up',
    broker: 'redis://redis.lan:6379/0',
    self: 'aaaa',
    members: [
      { id: 'aaaa', name: 'hub-a:8000', urls: ['http://10.0.0.1:8000'], connected: 3, startedAt: 1, self: true },
      { id: 'bbbb', name: 'hub-b:8000', urls: ['http://10.0.0.2:8000'], connected: 4, startedAt: 1, self: false },
    ],
    degradedSince: null,
    outages: 0,
    received: 0,
    unshared: 0,
    late: 0,
    missed: 0,
    ...overrides,
  };
}

describe('the cluster in the GUI', () => {
  it('shows nothing for a hub alone', () => {
    useStore.getState().applyInit(hubInit());
    const { container } = render(
      <>
        <ClusterBanner />
        <ClusterPanel />
        <ClientHub hub={null} />
      </>,
    );
    expect(container.childElementCount).toBe(0);
  });

  it('lists every member with its address and device count, and no banner while up', () => {
    useStore.getState().applyInit(hubInit({ cluster: cluster() }));
    render(
      <>
        <ClusterBanner />
        <ClusterPanel />
      </>,
    );
    expect(screen.queryByTestId('cluster-banner')).toBeNull();
    const panel = screen.getByRole('region', { name: 'Cluster' });
    expect(within(panel).getByRole('heading').textContent).toBe('Cluster: 2 hubs, 7 devices connected');
    const rows = within(panel)
      .getAllByTestId('cluster-member')
      .map((row) => row.textContent);
    expect(rows).toEqual([
      'hub-a:8000 (this hub)http://10.0.0.1:80003 connected',
      'hub-b:8000http://10.0.0.2:80004 connected',
    ]);
  });

  it('says loudly that Redis is unreachable, and what was not shared, until the hub rejoins', () => {
    useStore.getState().applyInit(hubInit({ cluster: cluster() }));
    useStore
      .getState()
      .applyUpdate(update({ cluster: cluster({ state: 'degraded', degradedSince: Date.now(), unshared: 1 }) }));
    render(<ClusterBanner />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Cluster degraded: Redis at redis://redis.lan:6379/0 is unreachable since');
    expect(alert.textContent).toContain("1 publish made here meanwhile reached this hub's devices only.");
    act(() => useStore.getState().applyUpdate(update({ cluster: cluster({ outages: 1 }) })));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('names the hub each client is on', () => {
    useStore.getState().applyInit(hubInit({ cluster: cluster(), clients: [client('c1', { hub: 'bbbb' })] }));
    const { container, rerender } = render(<ClientHub hub="bbbb" />);
    expect(container.textContent).toBe('on hub-b:8000');
    rerender(<ClientHub hub="aaaa" />);
    expect(container.textContent).toBe('on this hub');
    rerender(<ClientHub hub="gone" />);
    expect(container.textContent).toBe('on another hub');
    act(() => useStore.getState().applyUpdate(update({ cluster: cluster({ state: 'degraded', degradedSince: 1 }) })));
    expect(container.textContent).toBe('on another hub, out of reach');
  });
});
