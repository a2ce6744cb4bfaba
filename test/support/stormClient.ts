// A misbehaving camera page in its own process (so the server's event loop is only the server's): joins with its
// publish token and sends STORM_COUNT camera:faces requests as fast as it can, alternating the count. Prints one JSON
// line: how the acks were answered, whether the server dropped the connection, how long it took.
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@maskwatch/protocol/version';

const url = process.env.STORM_URL ?? '';
const token = process.env.STORM_TOKEN ?? '';
const total = Number(process.env.STORM_COUNT ?? 4000);
const socket = io(url, { auth: { protocolVersion: PROTOCOL_VERSION, role: 'camera', token }, transports: ['websocket'], reconnection: false, forceNew: true });
const acks: Record<string, number> = {};
let disconnected = false;
let answered = 0;
const started = Date.now();
const finish = () => {
  process.stdout.write(`${JSON.stringify({ acks, disconnected, answered, ms: Date.now() - started })}\n`);
  socket.close();
  process.exit(0);
};
socket.on('disconnect', () => {
  disconnected = true;
  setTimeout(finish, 200);
});
socket.on('connect', () => {
  socket.emit('camera:join', {}, () => {
    let sent = 0;
    const burst = () => {
      for (let i = 0; i < 500 && sent < total; i++, sent++) {
        socket.emit('camera:faces', { count: sent % 2 }, (answer: { ok: boolean; error?: { code: string } }) => {
          const code = answer.ok ? 'ok' : (answer.error?.code ?? '?');
          acks[code] = (acks[code] ?? 0) + 1;
          if (++answered === total) finish();
        });
      }
      if (sent < total) setImmediate(burst);
    };
    burst();
    setTimeout(finish, 20_000);
  });
});
