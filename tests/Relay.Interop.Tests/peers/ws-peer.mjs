// A WebSocket peer made of node's `ws` package, for Relay's interop tests (docs/interop.md).
//
//   node ws-peer.mjs client URL MODE [ARG]    connect to URL
//   node ws-peer.mjs server 0 MODE [ARG]      listen on 127.0.0.1, an ephemeral port; serves until killed
//
// Client modes: stream BYTES (send BYTES random bytes in varied message sizes, receive the echo, close 1000),
// close CODE (send 1000 bytes, receive the echo, close with CODE), ping (ping, await the pong, close 1000),
// wait (stay open until the other side closes).
// Server modes: echo (echo every message), close CODE (close first with CODE), ping (ping, await the pong, echo).
//
// Observations, one line each on stdout: listening PORT | open | sent N SHA256 | received N SHA256 | pong HEX |
// close CODE [REASON] | error MESSAGE.
import { createHash, randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';

const [role, target, mode, arg] = process.argv.slice(2);
const PING_PAYLOAD = Buffer.from('relay-interop-ping');

const say = (line) => process.stdout.write(line + '\n');
const fail = (error) => {
  say(`error ${String(error && error.message ? error.message : error).replace(/\s+/g, ' ')}`);
  process.exit(1);
};
process.on('uncaughtException', fail);

// Message sizes: 1 byte, 200 KiB, then by thirds tiny (1-16), around the 16-bit length boundary (17-70000) and
// large (70000-200 KiB), so every header length form of RFC 6455 §5.2 occurs.
function* messageSizes() {
  yield 1;
  yield 200 * 1024;
  for (let i = 0; ; i++) {
    const [low, high] = [[1, 17], [17, 70000], [70000, 200 * 1024 + 1]][i % 3];
    yield low + Math.floor(Math.random() * (high - low));
  }
}

function sendStream(ws, data) {
  const sizes = messageSizes();
  for (let offset = 0; offset < data.length;) {
    const size = Math.min(sizes.next().value, data.length - offset);
    ws.send(data.subarray(offset, offset + size), { binary: true });
    offset += size;
  }
}

function onClose(ws) {
  ws.on('close', (code, reason) => {
    say(`close ${code}${reason.length ? ' ' + reason.toString() : ''}`);
    if (role === 'client') {
      process.exit(0);
    }
  });
}

function runClient(ws) {
  ws.on('error', fail);
  onClose(ws);
  ws.on('open', () => {
    say('open');
    if (mode === 'stream' || mode === 'close') {
      const total = mode === 'stream' ? Number(arg) : 1000;
      const data = randomBytes(total);
      say(`sent ${total} ${createHash('sha256').update(data).digest('hex')}`);
      const hash = createHash('sha256');
      let received = 0;
      ws.on('message', (message) => {
        hash.update(message);
        received += message.length;
        if (received === total) {
          say(`received ${received} ${hash.digest('hex')}`);
          ws.close(mode === 'stream' ? 1000 : Number(arg), mode === 'stream' ? 'done' : 'peer-bye');
        }
      });
      sendStream(ws, data);
    } else if (mode === 'ping') {
      ws.on('pong', (payload) => {
        say(`pong ${payload.toString('hex')}`);
        ws.close(1000, 'done');
      });
      ws.ping(PING_PAYLOAD);
    }
  });
}

function serve(ws) {
  ws.on('error', fail);
  onClose(ws);
  const hash = createHash('sha256');
  let received = 0;
  const echo = () => ws.on('message', (message, isBinary) => {
    hash.update(message);
    received += message.length;
    ws.send(message, { binary: isBinary });
  });
  ws.on('close', () => say(`received ${received} ${hash.digest('hex')}`));
  if (mode === 'close') {
    ws.close(Number(arg), 'peer-bye');
  } else if (mode === 'ping') {
    ws.on('pong', (payload) => say(`pong ${payload.toString('hex')}`));
    ws.ping(PING_PAYLOAD);
    echo();
  } else {
    echo();
  }
}

if (role === 'client') {
  runClient(new WebSocket(target, { maxPayload: 0 }));
} else {
  const server = new WebSocketServer({ host: '127.0.0.1', port: Number(target), maxPayload: 0 });
  server.on('error', fail);
  server.on('listening', () => say(`listening ${server.address().port}`));
  server.on('connection', serve);
}
