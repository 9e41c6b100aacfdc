// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceKeyListing, PairResponse } from '../../shared/keys';
import { useStore } from '../store';
import { recordingTransport } from '../../test/renderer/transport';
import { update } from '../../test/renderer/store';
import { KeyDialog } from './KeyDialog';
import { keyState, validatePairing, emptyKeyFields } from './keyForm';

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
});
afterEach(cleanup);

const key = (overrides: Partial<DeviceKeyListing> = {}): DeviceKeyListing => ({
  id: '3f9c01ab',
  name: 'greenhouse',
  users: [7, 8],
  subscribe: ['sensors/*'],
  publish: ['sensors/out'],
  expiresAt: null,
  createdAt: 1_000,
  lastUsedAt: null,
  revokedAt: null,
  registrations: 2,
  ...overrides,
});

const pairing: PairResponse = {
  key: key({ id: 'aa11bb22', name: 'Alice phone', users: [3], subscribe: ['chat'], publish: ['chat'] }),
  secret: 'rhk_aa11bb22_secret',
  code: 'c'.repeat(22),
  expiresAt: 600_000,
  link: `http://192.168.1.20:8000/device#pair=${'c'.repeat(22)}`,
  board: { hub: 'http://192.168.1.20:8000', key: 'rhk_aa11bb22_secret', user_id: 3, name: 'Alice phone' },
};

describe('keyForm', () => {
  it('builds a pairing with publish defaulting to subscribe, and names the wrong field', () => {
    const fields = { ...emptyKeyFields('http://h:1'), name: ' Tab ', users: '3', subscribe: 'a, b/*' };
    expect(validatePairing(fields, 0)).toEqual({
      ok: true,
      value: { name: 'Tab', user_id: 3, subscribe: ['a', 'b/*'], publish: ['a', 'b/*'], base: 'http://h:1' },
    });
    expect(validatePairing({ ...fields, users: 'x' }, 0)).toEqual({
      ok: false,
      errors: { users: 'A user id is a whole number' },
    });
    expect(validatePairing({ ...fields, subscribe: '' }, 0)).toMatchObject({
      ok: false,
      errors: { subscribe: expect.any(String) as unknown },
    });
    expect(validatePairing({ ...fields, name: '' }, 0)).toMatchObject({
      ok: false,
      errors: { name: expect.any(String) as unknown },
    });
    expect(validatePairing({ ...fields, subscribe: 'a*b' }, 0)).toMatchObject({
      ok: false,
      errors: { subscribe: expect.any(String) as unknown },
    });
  });

  it('tells active, revoked and expired keys apart', () => {
    expect(keyState(key(), 5)).toBe('active');
    expect(keyState(key({ revokedAt: 4 }), 5)).toBe('revoked');
    expect(keyState(key({ expiresAt: 4 }), 5)).toBe('expired');
    expect(keyState(key({ expiresAt: 4, revokedAt: 4 }), 5)).toBe('expired');
    expect(keyState(key({ expiresAt: 9, revokedAt: 4 }), 5)).toBe('revoked');
  });
});

describe('KeyDialog', () => {
  it('loads the keys, starts from one, pairs on the chosen address and shows the link and the board snippet', async () => {
    const transport = recordingTransport({ listKeys: { keys: [key()] }, pairDevice: pairing });
    useStore.getState().connect(transport);
    useStore.getState().applyUpdate(
      update({
        status: {
          state: 'running',
          listen: { host: '0.0.0.0', port: 8000, urls: ['http://192.168.1.20:8000', 'http://10.0.0.5:8000'] },
          error: null,
        },
      }),
    );
    useStore.getState().openKeyDialog('device');
    render(<KeyDialog mode="device" />);
    expect(transport.calls.map((c) => c.name)).toContain('listKeys');
    const from = await screen.findByLabelText('Start from a key (optional)');
    fireEvent.change(from, { target: { value: '3f9c01ab' } });
    expect(screen.getByLabelText<HTMLInputElement>('User id').value).toBe('7');
    expect(screen.getByLabelText<HTMLInputElement>('Topics it may publish on').value).toBe('sensors/out');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Alice phone' } });
    fireEvent.change(screen.getByLabelText('Hub address for the link'), { target: { value: 'http://10.0.0.5:8000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create the link' }));
    expect(await screen.findByTestId('pair-link')).toBeTruthy();
    expect(screen.getByTestId('pair-link').textContent).toBe(pairing.link);
    expect(JSON.parse(screen.getByTestId('pair-board').textContent ?? '')).toEqual(pairing.board);
    expect(screen.getByTitle('Phone link as a QR code')).toBeTruthy();
    expect(transport.calls.find((c) => c.name === 'pairDevice')?.arg).toEqual({
      name: 'Alice phone',
      user_id: 7,
      subscribe: ['sensors/*'],
      publish: ['sensors/out'],
      base: 'http://10.0.0.5:8000',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(useStore.getState().keyDialog).toBeNull();
  });

  it('shows the hub’s refusal and keeps the form', async () => {
    const transport = recordingTransport({ listKeys: { keys: [] } });
    useStore.getState().connect(transport);
    render(<KeyDialog mode="key" />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'k' } });
    fireEvent.change(screen.getByLabelText('User ids'), { target: { value: '1, 2' } });
    fireEvent.change(screen.getByLabelText('Topics it may subscribe to'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create the key' }));
    expect((await screen.findByRole('alert')).textContent).toBe('no answer for createKey');
    expect(transport.calls.find((c) => c.name === 'createKey')?.arg).toEqual({
      name: 'k',
      users: [1, 2],
      subscribe: ['x'],
      publish: ['x'],
    });
    expect(screen.getByLabelText('Name')).toBeTruthy();
  });
});
