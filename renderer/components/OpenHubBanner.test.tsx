// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubSecurity } from '../../shared/ipc';
import { useStore } from '../store';
import { hubInit, update } from '../../test/renderer/store';
import { Header } from './Header';
import { OpenHubBanner } from './OpenHubBanner';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

const open: HubSecurity = { tokenRequired: false, originsRestricted: false, tls: false };
const locked: HubSecurity = { tokenRequired: true, originsRestricted: false, tls: true };

function renderBoth() {
  render(
    <>
      <Header />
      <OpenHubBanner />
    </>,
  );
}

describe('the "open hub" indicator', () => {
  it('shows nothing before the hub has answered', () => {
    renderBoth();
    expect(screen.queryByTestId('open-banner')).toBeNull();
    expect(screen.queryByTestId('security-badges')).toBeNull();
  });

  it('warns on an open hub, leads to Settings, and follows the token live', () => {
    useStore.getState().applyInit(hubInit({ security: open }));
    renderBoth();
    expect(screen.getByTestId('open-banner').textContent).toContain(
      'Open: anyone on this network can register and publish.',
    );
    expect(screen.getByTestId('badge-open').textContent).toBe('Open');
    fireEvent.click(screen.getByRole('button', { name: 'Lock it with a token' }));
    expect(useStore.getState().view).toBe('settings');

    // Locked from Settings (or another window): calm badges, no banner.
    act(() => useStore.getState().applyUpdate(update({ security: locked })));
    expect(screen.queryByTestId('open-banner')).toBeNull();
    expect(screen.getByTestId('badge-locked').textContent).toBe('Token required');
    expect(screen.getByTestId('badge-tls').textContent).toBe('TLS');
    expect(screen.queryByTestId('badge-open')).toBeNull();
  });

  it('can be hidden, keeps the header badge, and returns when the hub is opened again', () => {
    useStore.getState().applyInit(hubInit({ security: open }));
    renderBoth();
    fireEvent.click(screen.getByRole('button', { name: 'Hide this notice' }));
    expect(screen.queryByTestId('open-banner')).toBeNull();
    expect(screen.getByTestId('badge-open')).toBeTruthy();
    act(() => useStore.getState().applyUpdate(update({ security: locked })));
    act(() => useStore.getState().applyUpdate(update({ security: open })));
    expect(screen.getByTestId('open-banner')).toBeTruthy();
  });
});
