// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { hubConfig } from '../../test/renderer/store';
import { recordingTransport } from '../../test/renderer/transport';
import { QuitOnCloseToggle } from './QuitOnCloseToggle';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

describe('QuitOnCloseToggle', () => {
  it('is absent without desktop settings (the headless hub)', () => {
    const { container } = render(<QuitOnCloseToggle />);
    expect(container.childElementCount).toBe(0);
    useStore.setState({ config: hubConfig({}, false) });
    render(<QuitOnCloseToggle />);
    expect(container.childElementCount).toBe(0);
  });

  it('saves the choice and shows what the hub stored', async () => {
    const saved = hubConfig({ quitOnClose: true });
    const transport = recordingTransport({ setSettings: saved });
    useStore.getState().connect(transport);
    useStore.setState({ config: hubConfig({ quitOnClose: false }) });
    render(<QuitOnCloseToggle />);
    const box = screen.getByRole<HTMLInputElement>('checkbox', { name: /Quit when the window closes/ });
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    await screen.findByRole('checkbox', { checked: true });
    expect(transport.calls).toContainEqual({ name: 'setSettings', arg: { quitOnClose: true } });
    expect(useStore.getState().config).toEqual(saved);
  });
});
