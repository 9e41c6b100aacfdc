// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { recordingTransport } from '../transport/testing';
import { QuitOnCloseToggle } from './QuitOnCloseToggle';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

describe('QuitOnCloseToggle', () => {
  it('is absent without desktop settings (the headless hub)', () => {
    const { container } = render(<QuitOnCloseToggle />);
    expect(container.childElementCount).toBe(0);
  });

  it('saves the choice and shows what the hub stored', async () => {
    const saved = { host: '0.0.0.0', port: 8000, quitOnClose: true };
    const transport = recordingTransport({ setSettings: saved });
    useStore.getState().connect(transport);
    useStore.setState({ settings: { ...saved, quitOnClose: false } });
    render(<QuitOnCloseToggle />);
    const box = screen.getByRole<HTMLInputElement>('checkbox', { name: /Quit when the window closes/ });
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    await screen.findByRole('checkbox', { checked: true });
    expect(transport.calls).toContainEqual({ name: 'setSettings', arg: { quitOnClose: true } });
    expect(useStore.getState().settings).toEqual(saved);
  });
});
