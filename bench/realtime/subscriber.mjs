// One client process of the fan-out benchmark: opens `count` Socket.IO connections (round-robin over
// the given user tokens), subscribes each to the collection, and records when each change arrives.
// Protocol with the parent (IPC): receives {url, tokens, count, collection}; sends {ready} once every
// socket is subscribed; on {finish} sends {deliveries: {[writeIndex]: number[] arrival times]}, errors}.
import { io } from 'socket.io-client';

const now = () => performance.timeOrigin + performance.now();

process.once('message', async ({ url, tokens, count, collection }) => {
  const sockets = [];
  const deliveries = {};
  let errors = 0;
  const open = (i) =>
    new Promise((resolve, reject) => {
      const socket = io(url, { path: '/realtime', transports: ['websocket'], forceNew: true, auth: { token: tokens[i % tokens.length] }, reconnection: false });
      socket.once('connect_error', reject);
      socket.on('change', (e) => {
        const index = e.record?.n;
        if (typeof index !== 'number') return;
        (deliveries[index] ??= []).push(now());
      });
      socket.once('connect', () => {
        socket.emit('subscribe', { collection }, (ack) => (ack?.ok ? resolve() : reject(new Error(`subscribe refused: ${JSON.stringify(ack)}`))));
      });
      socket.on('disconnect', () => (errors += 1));
      sockets.push(socket);
    });
  // A few at a time, as clients arriving would.
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, j) => open(i + j)));
  process.send({ ready: true });
  process.once('message', () => {
    const disconnected = errors;
    for (const s of sockets) s.close();
    process.send({ deliveries, disconnected }, () => process.exit(0));
  });
});
