// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublishRequest } from '../../shared/api';
import { useStore } from '../store';
import type { SavedPayload } from '../../shared/saved-payloads';
import { libraryKey } from '../publishLibrary';
import { hubConfig, update } from '../../test/renderer/store';
import { recordingTransport } from '../../test/renderer/transport';
import { PublishForm } from './PublishForm';
import { emptyPublishFields, type PublishFields, validatePublish } from './publishForm';

const form = (fields: Partial<PublishFields>): PublishFields => ({ ...emptyPublishFields(), ...fields });

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  localStorage.clear();
});
afterEach(cleanup);

describe('validatePublish', () => {
  it('builds a broadcast body when the user id is empty', () => {
    expect(validatePublish(form({ topic: ' cats ', userId: '', message: 'hi' }))).toEqual({
      ok: true,
      value: { topic: 'cats', message: 'hi' },
    });
  });

  it('adds user_id when one is given', () => {
    expect(validatePublish(form({ topic: 'cats', userId: '7', message: 'hi' }))).toEqual({
      ok: true,
      value: { topic: 'cats', user_id: 7, message: 'hi' },
    });
  });

  it('names the wrong field', () => {
    expect(validatePublish(form({ topic: '', userId: '', message: 'x' }))).toEqual({
      ok: false,
      errors: { topic: 'Enter a topic' },
    });
    expect(validatePublish(form({ topic: 'a'.repeat(300), userId: '', message: 'x' }))).toMatchObject({
      ok: false,
      errors: { topic: expect.stringMatching(/at most 256/) as unknown },
    });
    expect(validatePublish(form({ topic: 'cats', userId: '-1', message: 'x' }))).toMatchObject({
      ok: false,
      errors: { userId: expect.stringMatching(/whole number/) as unknown },
    });
    expect(validatePublish(form({ topic: 'cats', userId: '99999999999999999999', message: 'x' }))).toMatchObject({
      ok: false,
      errors: { userId: expect.stringMatching(/whole number from 0 to 9007199254740991/) as unknown },
    });
  });
});

describe('validatePublish with bytes', () => {
  it('sends hex, base64 and a file as base64 bytes, and text as it is, retained when asked', () => {
    expect(validatePublish(form({ topic: 'cam', message: '00 ff 7b', mode: 'hex', retain: true }))).toEqual({
      ok: true,
      value: { topic: 'cam', message: 'AP97', encoding: 'base64', retain: true },
    });
    expect(validatePublish(form({ topic: 'cam', message: 'AP97', mode: 'base64' }))).toEqual({
      ok: true,
      value: { topic: 'cam', message: 'AP97', encoding: 'base64' },
    });
    const file = { name: 'a.bin', bytes: Uint8Array.of(1, 2, 3) };
    expect(validatePublish(form({ topic: 'cam', message: 'ignored', mode: 'file', file }))).toEqual({
      ok: true,
      value: { topic: 'cam', message: 'AQID', encoding: 'base64' },
    });
    expect(validatePublish(form({ topic: 'cam', message: '', retain: true }))).toEqual({
      ok: true,
      value: { topic: 'cam', message: '', retain: true },
    });
  });

  it('says what is wrong with the bytes', () => {
    expect(validatePublish(form({ topic: 'cam', message: '0g', mode: 'hex' }))).toEqual({
      ok: false,
      errors: { message: '“g” at position 2 is not a hex digit (0–9, a–f)' },
    });
    expect(validatePublish(form({ topic: 'cam', mode: 'file' }))).toEqual({
      ok: false,
      errors: { message: 'Choose a file to send' },
    });
    expect(validatePublish(form({ topic: '', message: 'zz', mode: 'hex' }))).toEqual({
      ok: false,
      errors: { topic: 'Enter a topic', message: '“z” at position 1 is not a hex digit (0–9, a–f)' },
    });
  });
});

describe('PublishForm', () => {
  it('shows the error beside the field and sends nothing when the topic is empty', () => {
    const transport = recordingTransport();
    useStore.getState().connect(transport);
    render(<PublishForm />);
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    expect(screen.getByLabelText('Topic').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter a topic')).toBeTruthy();
    expect(transport.calls.filter((c) => c.name === 'publish')).toEqual([]);
  });

  it('publishes and reports how many clients got the message', async () => {
    const transport = recordingTransport({ publish: { delivered: 3, offset: 1, epoch: 'e' } });
    useStore.getState().connect(transport);
    render(<PublishForm />);
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'cats' } });
    fireEvent.change(screen.getByLabelText('User id'), { target: { value: '4' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'meow' } });
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    expect(await screen.findByText('Delivered to 3 clients')).toBeTruthy();
    const sent = transport.calls.find((c) => c.name === 'publish')?.arg as PublishRequest;
    expect(sent).toEqual({ topic: 'cats', user_id: 4, message: 'meow' });
  });

  it('sends the QoS MQTT subscribers get, with retain', async () => {
    const transport = recordingTransport({ publish: { delivered: 1, offset: 1, epoch: 'e' } });
    useStore.getState().connect(transport);
    render(<PublishForm />);
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'home/door' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'open' } });
    fireEvent.change(screen.getByLabelText('MQTT QoS'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('checkbox'));
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    expect(await screen.findByText(/Delivered to 1 client/)).toBeTruthy();
    const sent = transport.calls.find((c) => c.name === 'publish')?.arg;
    expect(sent).toEqual({ topic: 'home/door', message: 'open', retain: true, qos: 1 });
  });

  it('suggests the topics the hub knows', () => {
    useStore.setState({
      topics: [
        { topic: 'dogs', subscribers: 1, published: 0 },
        { topic: 'cats', subscribers: 2, published: 0 },
      ],
    });
    const { container } = render(<PublishForm />);
    const options = [...container.querySelectorAll('datalist option')].map((o) => o.getAttribute('value'));
    expect(options).toEqual(['cats', 'dogs']);
  });

  it('refuses bad hex beside the field, then publishes the bytes as base64 with retain', async () => {
    const transport = recordingTransport({ publish: { delivered: 0, offset: 4, epoch: 'e' } });
    useStore.getState().connect(transport);
    render(<PublishForm />);
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'cam' } });
    fireEvent.click(screen.getByRole('button', { name: 'Hex' }));
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'ca fe zz' } });
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    expect(screen.getByLabelText('Message').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('“z” at position 7 is not a hex digit (0–9, a–f)')).toBeTruthy();
    expect(transport.calls.filter((c) => c.name === 'publish')).toEqual([]);

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'ca fe 00' } });
    expect(screen.getByText(/one binary frame · 3 B/)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Retain/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    expect(await screen.findByText(/Delivered to 0 clients .* · retained/)).toBeTruthy();
    expect(transport.calls.find((c) => c.name === 'publish')?.arg).toEqual({
      topic: 'cam',
      message: 'yv4A',
      encoding: 'base64',
      retain: true,
    });
  });

  it('shows the receipt’s offset and epoch, and keeps recent publishes in this browser to send again', async () => {
    const transport = recordingTransport({ publish: { delivered: 1, offset: 42, epoch: 'ep-7' } });
    useStore.getState().connect(transport);
    const { unmount } = render(<PublishForm />);
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'lamp' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'on' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /Retain/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    expect((await screen.findByTestId('publish-position')).textContent).toBe('Offset 42 · epoch ep-7');
    expect(screen.getByRole('region', { name: 'Recent publishes' }).textContent).toContain('lamp · on · retained');
    unmount();
    render(<PublishForm />);
    fireEvent.click(screen.getByRole('button', { name: 'Send again: lamp · on · retained' }));
    await screen.findByTestId('publish-position');
    expect(transport.calls.filter((c) => c.name === 'publish').map((c) => c.arg)).toEqual([
      { topic: 'lamp', message: 'on', retain: true },
      { topic: 'lamp', message: 'on', retain: true },
    ]);
    // Sent twice, listed once; kept in this browser only.
    expect(screen.getAllByTestId('library-entry')).toHaveLength(1);
    expect(JSON.parse(localStorage.getItem(libraryKey) ?? '{}')).toEqual({
      saved: [],
      recent: [{ topic: 'lamp', userId: '', message: 'on', mode: 'text', retain: true }],
    });
  });

  it('saves, renames and deletes named payloads on the hub, and lists what the hub pushes', async () => {
    const lamp: SavedPayload = {
      name: 'Lamp on',
      topic: 'lamp',
      userId: '',
      message: 'on',
      mode: 'text',
      retain: true,
    };
    const transport = recordingTransport({
      savePayload: { ...hubConfig(), savedPayloads: [lamp] },
      renamePayload: { ...hubConfig(), savedPayloads: [{ ...lamp, name: 'Lamp' }] },
      deletePayload: { ...hubConfig(), savedPayloads: [] },
    });
    useStore.getState().connect(transport);
    const { unmount } = render(<PublishForm />);
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: ' lamp ' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'on' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /Retain/ }));
    fireEvent.change(screen.getByLabelText('Save as'), { target: { value: ' Lamp on ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save payload' }));
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('Save as').value).toBe(''));
    expect(transport.calls.filter((c) => c.name === 'savePayload').map((c) => c.arg)).toEqual([lamp]);
    expect(localStorage.getItem(libraryKey)).toBeNull(); // nothing saved in this browser
    // The hub's list, in the store: a new form lists it.
    unmount();
    render(<PublishForm />);
    expect(screen.getByRole('region', { name: 'Saved payloads' }).textContent).toContain('Lamp on');
    fireEvent.click(screen.getByRole('button', { name: 'Use Lamp on' }));
    expect(screen.getByLabelText<HTMLInputElement>('Topic').value).toBe('lamp');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: /Retain/ }).checked).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Rename Lamp on' }));
    fireEvent.change(screen.getByLabelText('New name for Lamp on'), { target: { value: 'Lamp' } });
    fireEvent.keyDown(screen.getByLabelText('New name for Lamp on'), { key: 'Enter' });
    await screen.findByRole('button', { name: 'Delete Lamp' });
    expect(transport.calls.find((c) => c.name === 'renamePayload')?.arg).toEqual({ name: 'Lamp on', to: 'Lamp' });
    expect(transport.calls.filter((c) => c.name === 'publish')).toEqual([]); // Enter renamed, it did not publish

    fireEvent.click(screen.getByRole('button', { name: 'Delete Lamp' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Saved payloads' })).toBeNull());
    expect(transport.calls.find((c) => c.name === 'deletePayload')?.arg).toEqual({ name: 'Lamp' });

    // Another window saved one: the hub's push lists it here.
    act(() =>
      transport.push(update({ config: { ...hubConfig(), savedPayloads: [{ ...lamp, name: 'From elsewhere' }] } })),
    );
    expect(screen.getByRole('region', { name: 'Saved payloads' }).textContent).toContain('From elsewhere');
  });

  it('says why the hub refused a payload, and keeps the name typed', async () => {
    const transport = recordingTransport(); // answers every savePayload with an error
    useStore.getState().connect(transport);
    render(<PublishForm />);
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'lamp' } });
    fireEvent.change(screen.getByLabelText('Save as'), { target: { value: 'Lamp' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save payload' }));
    expect((await screen.findByRole('alert')).textContent).toBe('no answer for savePayload');
    expect(screen.getByLabelText<HTMLInputElement>('Save as').value).toBe('Lamp');
    expect(screen.queryByRole('region', { name: 'Saved payloads' })).toBeNull();
  });
});
