// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandName, CommandResult, HubConfig } from '../../shared/ipc';
import { useStore } from '../store';
import { hubConfig, hubInit, update } from '../../test/renderer/store';
import type { Transport } from '../transport/types';
import { SettingsView } from './SettingsView';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

type Answer = (arg: unknown) => CommandResult<CommandName>;

/** A transport whose answers are functions, recording every call. */
function scriptedTransport(answers: Partial<Record<CommandName, Answer>>) {
  const calls: { name: CommandName; arg: unknown }[] = [];
  const transport: Transport = {
    saves: 'download',
    call(name, arg) {
      calls.push({ name, arg });
      const answer = answers[name];
      const result = answer ? answer(arg) : { ok: false, error: { code: 'unknown_command', message: name } };
      return Promise.resolve(result as never);
    },
    onUpdate: () => () => undefined,
    onLink: (fn) => {
      fn({ kind: 'open' });
      return () => undefined;
    },
    setToken: () => undefined,
    close: () => undefined,
  };
  return { transport, calls };
}

function show(config: HubConfig, answers: Partial<Record<CommandName, Answer>> = {}) {
  const scripted = scriptedTransport({ getAccessToken: () => ({ ok: true, value: { token: null } }), ...answers });
  useStore.getState().connect(scripted.transport);
  useStore.getState().applyInit(hubInit({ config }));
  render(<SettingsView />);
  return scripted;
}

const input = (name: string) => screen.getByTestId<HTMLInputElement>(`setting-${name}`);
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save and apply' }));

describe('SettingsView', () => {
  it('says where changes go: saved on the desktop, until it stops on the headless hub', () => {
    show(hubConfig({}, false));
    expect(screen.getByTestId('settings-scope').textContent).toContain(
      'This hub takes its settings from the command line; changes here last until it stops.',
    );
    expect(screen.getByTestId('settings-data-dir').textContent).toContain('kept in memory');
    cleanup();
    show(hubConfig());
    expect(screen.getByTestId('settings-scope').textContent).toContain('saved and used again at the next launch');
    expect(screen.getByTestId('settings-data-dir').textContent).toBe('/home/op/.config/Relay Hub');
    // Sizes and durations read in units, not only in bytes and milliseconds.
    expect(screen.getByText('Bytes per published message (1 MiB)')).toBeTruthy();
    expect(screen.getByText(/a client missing one is cut\. 0: off$/)).toBeTruthy();
    expect(input('heartbeatIntervalMs').value).toBe('30 s');
    for (const title of ['Network', 'Access', 'Limits', 'Rates', 'TLS', 'Storage']) {
      expect(screen.getByRole('heading', { name: title })).toBeTruthy();
    }
  });

  it('validates inline with the shared rules and sends nothing while a field is wrong', async () => {
    const { calls } = show(hubConfig());
    fireEvent.change(input('maxTopicLength'), { target: { value: '0' } });
    expect(screen.getByText('Max topic length must be a whole number of at least 1')).toBeTruthy();
    expect(input('maxTopicLength').getAttribute('aria-invalid')).toBe('true');
    save();
    expect((await screen.findByTestId('settings-outcome')).textContent).toBe('Fix the highlighted fields first.');
    expect(calls.filter((c) => c.name === 'setSettings')).toEqual([]);
  });

  it('sends only the changed fields and shows the saved result', async () => {
    const saved = hubConfig({ maxTopicLength: 12, allowedOrigins: ['https://a.example', 'https://b.example'] });
    const { calls } = show(hubConfig(), { setSettings: () => ({ ok: true, value: saved }) });
    fireEvent.change(input('maxTopicLength'), { target: { value: ' 12 ' } });
    fireEvent.change(input('allowedOrigins'), { target: { value: 'https://a.example\nhttps://b.example\n' } });
    fireEvent.change(input('port'), { target: { value: '8000' } }); // typed, but the same value
    save();
    await screen.findByText('Saved and applied.');
    expect(calls.filter((c) => c.name === 'setSettings')).toEqual([
      {
        name: 'setSettings',
        arg: { maxTopicLength: 12, allowedOrigins: ['https://a.example', 'https://b.example'] },
      },
    ]);
    expect(useStore.getState().config).toEqual(saved);
    expect(input('maxTopicLength').value).toBe('12');
  });

  it('shows mDNS as a switch and durations in readable units, and sends milliseconds', async () => {
    const saved = hubConfig({ mdns: true, heartbeatIntervalMs: 45_000, expireIdleMs: 172_800_000 });
    const { calls } = show(hubConfig(), { setSettings: () => ({ ok: true, value: saved }) });
    const mdns = screen.getByRole('switch', { name: /mDNS/ });
    expect(mdns).toHaveProperty('checked', false);
    expect(input('heartbeatIntervalMs').value).toBe('30 s');
    expect(input('expireIdleMs').value).toBe('7 d');
    fireEvent.click(mdns);
    fireEvent.change(input('heartbeatIntervalMs'), { target: { value: '45s' } });
    fireEvent.change(input('expireIdleMs'), { target: { value: '2 days' } });
    save();
    await screen.findByText('Saved and applied.');
    expect(calls.filter((c) => c.name === 'setSettings').map((c) => c.arg)).toEqual([
      { mdns: true, heartbeatIntervalMs: 45_000, expireIdleMs: 172_800_000 },
    ]);
    expect(input('expireIdleMs').value).toBe('2 d');
  });

  it('shows the hub’s refusal and keeps the edits', async () => {
    const refusal = {
      code: 'invalid_settings',
      message: 'options "tlsCertFile" and "tlsKeyFile" go together',
    } as const;
    show(hubConfig(), { setSettings: () => ({ ok: false, error: refusal }) });
    fireEvent.change(input('tlsCertFile'), { target: { value: '/etc/cert.pem' } });
    save();
    await screen.findByText(refusal.message);
    expect(input('tlsCertFile').value).toBe('/etc/cert.pem');
  });

  it('after a restart that dropped the dashboard link, reads the outcome from the next snapshot', async () => {
    show(hubConfig({}, false), {
      setSettings: () => ({ ok: false, error: { code: 'unavailable', message: 'the connection to the hub was lost' } }),
    });
    fireEvent.change(input('maxConnections'), { target: { value: '5' } });
    save();
    await screen.findByText('The hub is restarting with the new settings…');
    useStore.getState().applyInit(hubInit({ config: hubConfig({ maxConnections: 5 }, false) }));
    await screen.findByText('Applied until the hub stops.');
  });

  it('rotates, reveals and removes the access token, asking before it removes', async () => {
    let token: string | null = null;
    const answer = (next: string | null): CommandResult<CommandName> => {
      token = next;
      useStore.getState().applyUpdate(update({ security: { ...update().security, tokenRequired: next !== null } }));
      return { ok: true, value: { token: next } };
    };
    const { calls } = show(hubConfig(), {
      getAccessToken: () => ({ ok: true, value: { token } }),
      rotateAccessToken: () => answer('A'.repeat(43)),
      setAccessToken: (arg) => answer((arg as { token: string | null }).token),
    });
    const panel = within(screen.getByTestId('token-panel'));
    fireEvent.click(await panel.findByRole('button', { name: 'Generate a token' }));
    const shown = await panel.findByTestId('access-token');
    expect(shown.textContent).toBe('•'.repeat(32));
    fireEvent.click(panel.getByRole('button', { name: 'Reveal' }));
    expect(shown.textContent).toBe('A'.repeat(43));

    fireEvent.change(panel.getByLabelText('Your own access token'), { target: { value: 'too short' } });
    expect(panel.getByText(/at least 16 characters/)).toBeTruthy();
    expect(panel.getByRole<HTMLButtonElement>('button', { name: 'Use this token' }).disabled).toBe(true);

    fireEvent.click(panel.getByRole('button', { name: 'Remove (open hub)' }));
    expect(calls.some((c) => c.name === 'setAccessToken')).toBe(false); // asked first
    fireEvent.click(panel.getByRole('button', { name: 'Yes, remove (open hub)' }));
    await panel.findByRole('button', { name: 'Generate a token' });
    expect(calls.filter((c) => c.name === 'setAccessToken')).toEqual([
      { name: 'setAccessToken', arg: { token: null } },
    ]);
  });

  it('with a --token-file, says the file is rewritten and offers no Remove', async () => {
    const config = { ...hubConfig({}, false), tokenFile: '/etc/relay-hub/token' };
    show(config, {
      getAccessToken: () => ({ ok: true, value: { token: 'B'.repeat(43) } }),
      rotateAccessToken: () => ({ ok: true, value: { token: 'C'.repeat(43) } }),
    });
    const panel = within(screen.getByTestId('token-panel'));
    await panel.findByTestId('access-token');
    expect(panel.getByText('Read from /etc/relay-hub/token: a token set here is written to that file.')).toBeTruthy();
    expect(panel.queryByRole('button', { name: 'Remove (open hub)' })).toBeNull();
    fireEvent.click(panel.getByRole('button', { name: 'Rotate' }));
    fireEvent.click(panel.getByRole('button', { name: 'Yes, rotate' }));
    await panel.findByText('New token in force: give it to your devices. Written to /etc/relay-hub/token.');
  });
});
