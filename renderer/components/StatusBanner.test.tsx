// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { hubConfig, update } from '../../test/renderer/store';
import { recordingTransport } from '../../test/renderer/transport';
import { StatusBanner } from './StatusBanner';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

const portInUse = update({
  status: { state: 'error', listen: null, error: { code: 'EADDRINUSE', message: 'port 8000 is in use' } },
});

describe('StatusBanner', () => {
  it('shows nothing while the hub runs', () => {
    useStore.getState().applyUpdate(update());
    const { container } = render(<StatusBanner />);
    expect(container.childElementCount).toBe(0);
  });

  it('explains EADDRINUSE and restarts on the port the operator picks', async () => {
    const transport = recordingTransport({ restart: update().status });
    useStore.getState().connect(transport);
    useStore.setState({ config: hubConfig() });
    useStore.getState().applyUpdate(portInUse);
    render(<StatusBanner />);
    expect(screen.getByRole('alert').textContent).toContain('port 8000 is in use');
    const input = screen.getByLabelText('Try another port');
    expect((input as HTMLInputElement).value).toBe('8001');
    fireEvent.change(input, { target: { value: '9000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Restart on port 9000' }));
    await screen.findByRole('button', { name: 'Restart on port 9000' });
    expect(transport.calls.filter((c) => c.name === 'restart')).toEqual([
      { name: 'restart', arg: { host: '0.0.0.0', port: 9000 } },
    ]);
  });

  it('refuses a port out of range without calling the hub', () => {
    const transport = recordingTransport();
    useStore.getState().connect(transport);
    useStore.getState().applyUpdate(portInUse);
    render(<StatusBanner />);
    fireEvent.change(screen.getByLabelText('Try another port'), { target: { value: '70000' } });
    fireEvent.click(screen.getByRole('button', { name: /Restart on port/ }));
    expect(screen.getByText('Port must be a whole number from 1 to 65535')).toBeTruthy();
    expect(transport.calls.filter((c) => c.name === 'restart')).toEqual([]);
  });
});
