// The floor of any relay written on this stack: the tutorial API (and the harness's socket publish
// frame) on node:http + ws and nothing else: registrations in a Map, an index per topic and per
// user (no scan of every client), no validation beyond JSON.parse, no disk, no log, no limits, no
// metrics. Run beside uWebSockets.js and the hub in the shared harness (docs/performance.md), it
// tells which of the gap to uWS is the hub's own code and which is Node's HTTP and WebSocket stack.
// usage: node --max-semi-space-size=4 bench/node-floor-server.mjs --port P
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
/** id → { userId, topics, ws } */
const clients = new Map();
/** topic → Set of sockets; `${user} ${topic}` → Set of sockets */
const byTopic = new Map();
const byUserTopic = new Map();

const add = (index, key, ws) => {
  let set = index.get(key);
  if (set === undefined) index.set(key, (set = new Set()));
  set.add(ws);
};
const remove = (index, key, ws) => {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(ws);
  if (set.size === 0) index.delete(key);
};
const subscribe = (client, on) => {
  if (client.ws === null) return;
  for (const topic of client.topics) {
    (on ? add : remove)(byTopic, topic, client.ws);
    (on ? add : remove)(byUserTopic, `${client.userId} ${topic}`, client.ws);
  }
};
/** Sends `message` to the topic's (or the user's) sockets but `except`; answers how many. */
const deliver = (topic, userId, message, except = null) => {
  const set = userId == null ? byTopic.get(topic) : byUserTopic.get(`${userId} ${topic}`);
  let delivered = 0;
  for (const ws of set ?? []) {
    if (ws === except) continue;
    ws.send(message);
    delivered++;
  }
  return delivered;
};

const body = (req, done) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => done(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()));
};
const json = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return res.end('ok');
  if (req.method === 'POST' && req.url === '/register') {
    return body(req, (text) => {
      const event = json(text);
      if (event === undefined) return res.writeHead(400).end();
      const id = randomUUID().replaceAll('-', '');
      clients.set(id, { userId: event.user_id, topics: ['cats'], ws: null });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: `ws://127.0.0.1:${port}/ws/${id}` }));
    });
  }
  if (req.method === 'DELETE' && req.url.startsWith('/register/')) {
    const id = req.url.slice('/register/'.length);
    const client = clients.get(id);
    clients.delete(id);
    if (client?.ws) {
      subscribe(client, false);
      client.ws.close(1000);
    }
    return res.end();
  }
  if (req.method === 'POST' && req.url === '/publish') {
    return body(req, (text) => {
      const event = json(text);
      if (event === undefined || typeof event.message !== 'string') return res.writeHead(400).end();
      deliver(event.topic, event.user_id, event.message);
      res.end();
    });
  }
  res.writeHead(404).end();
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
server.on('upgrade', (req, socket, head) => {
  const client = req.url.startsWith('/ws/') ? clients.get(req.url.slice(4)) : undefined;
  if (client === undefined) {
    socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    client.ws?.close(1000);
    subscribe(client, false);
    client.ws = ws;
    subscribe(client, true);
    ws.on('message', (data, binary) => {
      if (binary) return;
      const text = data.toString();
      if (text === 'ping') return;
      const frame = json(text);
      if (Array.isArray(frame?.topics)) {
        subscribe(client, false);
        client.topics = frame.topics;
        subscribe(client, true);
      } else if (typeof frame?.publish?.message === 'string') {
        const { topic, user_id: userId, message } = frame.publish;
        const delivered = deliver(topic, userId, message, frame.echo === true ? null : ws);
        if (frame.id != null) ws.send(JSON.stringify({ ack: frame.id, delivered }));
      }
    });
    ws.on('close', () => {
      if (client.ws !== ws) return;
      subscribe(client, false);
      client.ws = null;
    });
    ws.on('error', () => ws.terminate());
  });
});
server.listen(port, '127.0.0.1');
