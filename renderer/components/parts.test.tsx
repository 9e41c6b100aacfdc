// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useStore } from '../store';
import { Loaded, lazyPart, ViewLoading } from './lazyPart';
import { KeyDialog, lazyViews, MqttMore } from './parts';

beforeAll(() => {
  // uPlot (in the charts' chunk) asks for the pixel ratio when it loads; jsdom has no matchMedia.
  window.matchMedia = () =>
    ({ matches: false, addEventListener: () => undefined, removeEventListener: () => undefined }) as never;
});
beforeEach(() => {
  localStorage.clear();
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

function Greeting({ name }: { name: string }) {
  return <p>hello {name}</p>;
}

describe('lazy parts', () => {
  it('each view, the key dialog and the QR code load a component of their own', async () => {
    const parts = [...Object.values(lazyViews), KeyDialog, MqttMore];
    const loaded = await Promise.all(parts.map((part) => part.preload()));
    for (const component of loaded) expect(typeof component).toBe('function');
    expect(new Set(loaded).size).toBe(parts.length);
  });

  it('shows the fallback while loading, then the part', async () => {
    let finish = (): void => {};
    const Part = lazyPart(() => new Promise<typeof Greeting>((resolve) => (finish = () => resolve(Greeting))));
    render(
      <Loaded fallback={<ViewLoading />}>
        <Part name="there" />
      </Loaded>,
    );
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    await act(() => {
      finish();
      return Promise.resolve();
    });
    expect(screen.getByText('hello there')).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows a part loaded beforehand (while the page was idle) at once, without the fallback', async () => {
    const Part = lazyPart(() => Promise.resolve(Greeting));
    await Part.preload();
    render(
      <Loaded fallback={<ViewLoading />}>
        <Part name="again" />
      </Loaded>,
    );
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByText('hello again')).toBeTruthy();
  });

  it('offers to reload the page when a part’s code cannot load, and fetches again on the next try', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // React reports the caught error
    const load = vi.fn(() => Promise.reject(new Error('404: the hub was updated')));
    const Part = lazyPart(load);
    render(
      <Loaded>
        <Part />
      </Loaded>,
    );
    expect((await screen.findByRole('alert')).textContent).toContain('could not be loaded');
    expect(screen.getByRole('button', { name: 'Reload the page' })).toBeTruthy();
    await expect(Part.preload()).rejects.toThrow('404');
    expect(load).toHaveBeenCalledTimes(2);
    vi.restoreAllMocks();
  });

  it('the inspector’s code brings the buffer size this browser saved; the page does not read it while opening', async () => {
    localStorage.setItem('relay-hub.message-limit', '1000');
    vi.resetModules(); // a page that opens now: a new store, the inspector's code not loaded yet
    const fresh = { store: await import('../store'), parts: await import('./parts') };
    expect(fresh.store.useStore.getState().messageLimit).toBe(10_000);
    await fresh.parts.lazyViews.messages.preload();
    expect(fresh.store.useStore.getState().messageLimit).toBe(1_000);
    localStorage.setItem('relay-hub.message-limit', '7');
    fresh.store.useStore.getState().restoreMessageLimit();
    expect(fresh.store.useStore.getState().messageLimit).toBe(10_000); // not a size the inspector offers
  });

  it('renders the QR code part with the MQTT address', async () => {
    render(
      <Loaded>
        <MqttMore url="mqtt://10.0.0.2:1883" line="mosquitto_sub -h 10.0.0.2" webSocketUrl="ws://10.0.0.2:8000/mqtt" />
      </Loaded>,
    );
    expect(await screen.findByTitle('MQTT address as a QR code')).toBeTruthy();
    fireEvent.click(screen.getByTestId('mqtt-ws-url'));
    expect(screen.getByTestId('mosquitto-sub-line').textContent).toBe('mosquitto_sub -h 10.0.0.2');
  });
});
