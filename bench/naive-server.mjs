// The naive baseline, in the same run as the hub: the warp tutorial's design ported to Node
// the way a beginner would write it — one Map of clients, a publish that scans EVERY client,
// and ws.send() per recipient with no backpressure check. Same API as the hub.
// usage: node bench/naive-server.mjs --port P
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 8000);
const clients = new Map(); // id -> { userId, topics, ws }

function readJson(req, res, done) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      done(JSON.parse(Buffer.concat(chunks).toString()));
    } catch {
      res.writeHead(400).end();
    }
  });
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200).end();
  } else if (req.method === 'POST' && req.url === '/register') {
    readJson(req, res, (body) => {
      const id = randomUUID().replaceAll('-', '');
      clients.set(id, { userId: body.user_id, topics: ['cats'], ws: null });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: `ws://127.0.0.1:${port}/ws/${id}`, id }));
    });
  } else if (req.method === 'DELETE' && req.url.startsWith('/register/')) {
    const id = req.url.slice('/register/'.length);
    clients.get(id)?.ws?.close();
    clients.delete(id);
    res.writeHead(200).end();
  } else if (req.method === 'POST' && req.url === '/publish') {
    readJson(req, res, (event) => {
      for (const client of clients.values()) {
        if (event.user_id != null && client.userId !== event.user_id) continue;
        if (!client.topics.includes(event.topic)) continue;
        client.ws?.send(event.message);
      }
      res.writeHead(200).end();
    });
  } else {
    res.writeHead(404).end();
  }
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const id = /^\/ws\/([0-9a-f]+)$/.exec(req.url)?.[1];
  const client = id && clients.get(id);
  if (!client) {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    client.ws = ws;
    ws.on('message', (data) => {
      try {
        const topics = JSON.parse(String(data)).topics;
        if (Array.isArray(topics)) client.topics = topics;
      } catch {
        // tutorial: ignore
      }
    });
    ws.on('close', () => clients.delete(id));
    ws.on('error', () => {});
  });
});
server.listen(port, '127.0.0.1', () => console.log(`naive listening on 127.0.0.1:${port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
