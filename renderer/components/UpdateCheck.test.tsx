// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { hubConfig } from '../../test/renderer/store';
import { recordingTransport } from '../../test/renderer/transport';
import { describeUpdate, UpdateCheck } from './UpdateCheck';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

describe('UpdateCheck', () => {
  it('is absent on the headless hub (no desktop settings)', () => {
    useStore.setState({ config: hubConfig({}, false) });
    const { container } = render(<UpdateCheck />);
    expect(container.childElementCount).toBe(0);
  });

  it('shows the version and the check’s state, off by default', async () => {
    const transport = recordingTransport({ checkForUpdates: { version: '0.1.0', state: { kind: 'off' } } });
    useStore.getState().connect(transport);
    useStore.setState({ config: hubConfig() });
    render(<UpdateCheck />);
    expect(await screen.findByText('Relay Hub 0.1.0')).toBeTruthy();
    expect(screen.getByTestId('update-state').textContent).toBe('update check off');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /Check for updates/ }).checked).toBe(false);
    const checks = transport.calls.filter((c) => c.name === 'checkForUpdates');
    expect(checks).toEqual([{ name: 'checkForUpdates', arg: { now: false } }]); // showing it asks the feed nothing
  });

  it('turned on, saves the setting, checks at once and shows the answer', async () => {
    const transport = recordingTransport({
      setSettings: hubConfig({ checkForUpdates: true }),
      checkForUpdates: { version: '0.1.0', state: { kind: 'available', version: '0.2.0', checkedAt: 1 } },
    });
    useStore.getState().connect(transport);
    useStore.setState({ config: hubConfig() });
    render(<UpdateCheck />);
    fireEvent.click(screen.getByRole('checkbox', { name: /Check for updates/ }));
    await screen.findByRole('checkbox', { checked: true });
    expect(transport.calls).toContainEqual({ name: 'setSettings', arg: { checkForUpdates: true } });
    expect(transport.calls).toContainEqual({ name: 'checkForUpdates', arg: { now: true } });
    expect(screen.getByTestId('update-state').textContent).toBe('version 0.2.0 is out — see the release page');
  });

  it('describes every state in one line', () => {
    expect(describeUpdate({ kind: 'current', checkedAt: 1 })).toBe('up to date');
    expect(describeUpdate({ kind: 'failed', message: 'HTTP 500', checkedAt: 1 })).toBe('check failed: HTTP 500');
    expect(describeUpdate({ kind: 'unsupported', reason: 'the portable build does not update itself' })).toContain(
      'portable',
    );
  });
});
