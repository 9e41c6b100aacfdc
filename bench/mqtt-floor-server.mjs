// The floor of any MQTT broker written for Node, in the MQTT bench's idle-memory scenario: a bare
// `node:net` server that answers every CONNECT with a CONNACK and then only holds the socket (no
// parser, no session, no MQTT state). Whatever it needs per idle connection, a broker in Node needs
// too. usage: node --max-semi-space-size=4 bench/mqtt-floor-server.mjs --port P
import { createServer } from 'node:net';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const connack = Buffer.from([0x20, 0x02, 0x00, 0x00]);
createServer((socket) => {
  socket.once('data', () => socket.write(connack));
  socket.on('error', () => socket.destroy());
}).listen(port, '127.0.0.1');
