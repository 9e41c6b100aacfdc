/**
 * The hub's phone page (`GET /device`): pairs from the QR code's link, then connects with the
 * device SDK and shows the connection, the topics (editable), live messages and a publish box. It
 * is also the built-in test client: without a pairing, connect by user id (and key, if needed).
 */
import { connect, type DeviceMessage, type RelayClient } from '../client/index';
import { claim, exactTopics, forgetSetup, loadSetup, pairingCode, saveSetup, type DeviceSetup } from './config';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const maxShown = 200;
let client: RelayClient | null = null;
let received = 0;

function showError(message: string | null): void {
  $('error').hidden = message === null;
  $('error').textContent = message ?? '';
}

const stateText = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

function topicList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

function describe(message: string | Uint8Array): string {
  if (typeof message === 'string') return message;
  const hex = Array.from(message.slice(0, 32), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${message.length} bytes: ${hex}${message.length > 32 ? ' …' : ''}`;
}

function addMessage({ topic, message, ts, retained }: DeviceMessage): void {
  received++;
  const item = document.createElement('li');
  const meta = document.createElement('div');
  meta.className = 'meta';
  const name = document.createElement('span');
  name.className = 'topic';
  name.textContent = topic;
  const time = document.createElement('time');
  time.dateTime = new Date(ts).toISOString();
  time.textContent = new Date(ts).toLocaleTimeString();
  meta.append(name, time);
  if (retained) meta.append(Object.assign(document.createElement('span'), { textContent: 'retained' }));
  const text = document.createElement('div');
  text.className = 'text';
  text.textContent = describe(message);
  item.append(meta, text);
  const list = $('messages');
  list.prepend(item);
  while (list.children.length > maxShown) list.lastElementChild?.remove();
  $('empty').hidden = true;
  $('count').textContent = `(${received})`;
}

function start(setup: DeviceSetup): void {
  client?.close();
  $('setup').hidden = true;
  for (const id of ['device', 'send', 'inbox']) $(id).hidden = false;
  $('forget').hidden = false;
  $('who').textContent = `${setup.name ?? 'Unnamed device'} · user ${setup.userId}`;
  $<HTMLInputElement>('topics').value = setup.topics.join(', ');
  const allowed = setup.allowed;
  $('allowed').textContent = allowed
    ? `Allowed — listen: ${allowed.subscribe.join(', ') || 'nothing'}; publish: ${allowed.publish.join(', ') || 'nothing'}`
    : '';
  const options = exactTopics(allowed?.publish ?? setup.topics);
  $('publish-topics').replaceChildren(
    ...options.map((t) => Object.assign(document.createElement('option'), { value: t })),
  );
  const topicInput = $<HTMLInputElement>('publish-topic');
  if (topicInput.value === '') topicInput.value = options[0] ?? setup.topics[0] ?? '';
  client = connect({
    hub: location.origin,
    userId: setup.userId,
    topics: setup.topics,
    ...(setup.key ? { token: setup.key } : {}),
    ...(setup.name ? { name: setup.name } : {}),
  });
  client.on('state', (state) => {
    $('state').dataset.state = state;
    $('state').textContent = stateText[state];
    if (state === 'open') showError(null);
  });
  client.on('message', addMessage);
  client.on('error', (error) => showError(error.message));
  client.on('unregistered', ({ revoked }) =>
    showError(revoked ? 'The operator revoked this device’s key. Pair again.' : 'The operator removed this device.'),
  );
}

async function boot(): Promise<void> {
  const code = pairingCode(location.hash);
  if (code !== null) {
    // The code works once: take it out of the address bar (and the history) at once.
    history.replaceState(null, '', location.pathname);
    try {
      saveSetup(await claim(code));
    } catch (error) {
      showError(`Pairing failed: ${(error as Error).message}`);
    }
  }
  const setup = loadSetup();
  if (setup) start(setup);
  else {
    $('setup').hidden = false;
    $('state').textContent = 'Not connected';
  }
}

$('setup-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $<HTMLInputElement>('setup-name').value.trim();
  const key = $<HTMLInputElement>('setup-key').value.trim();
  const setup: DeviceSetup = {
    userId: Number($<HTMLInputElement>('setup-user').value),
    name: name === '' ? null : name,
    key: key === '' ? null : key,
    topics: ['cats'],
    allowed: null,
  };
  saveSetup(setup);
  start(setup);
});

$('topics-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const setup = loadSetup();
  if (!setup || !client) return;
  setup.topics = topicList($<HTMLInputElement>('topics').value);
  saveSetup(setup);
  client.subscribe(setup.topics);
});

$('publish-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const topic = $<HTMLInputElement>('publish-topic').value.trim();
  const text = $<HTMLTextAreaElement>('publish-message');
  const result = $('publish-result');
  if (!client || topic === '') return;
  result.textContent = 'Sending…';
  client.publish(topic, text.value).then(
    ({ delivered }) => {
      result.textContent = `Sent to ${delivered} device${delivered === 1 ? '' : 's'}`;
      text.value = '';
    },
    (error: Error) => (result.textContent = `Not sent: ${error.message}`),
  );
});

$('forget').addEventListener('click', () => {
  client?.close();
  client = null;
  forgetSetup();
  location.reload();
});

void boot();
