import { eventually } from '@basalt/testkit';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { Realtime, type SocketAuth } from '../../src/realtime/realtime';

/*
 * A token that changes while the socket is still connecting (its handshake read the credentials, the
 * server has not answered yet) reaches the socket once it is up: a refresh with the `auth` event, a
 * sign-out by starting over as a guest. A Socket.IO server in the test holds each handshake until
 * the test lets it through, so the window is hit every time.
 */

interface Seen {
  handshakes: SocketAuth[];
  /** Every event a client sent, in order, per connection. */
  events: Array<{ socket: string; event: string; payload: unknown }>;
}

let http: HttpServer;
let io: Server;
let url: string;
let seen: Seen;
let letThrough: () => void;
let held: Promise<void>;

function holdHandshakes(): void {
  held = new Promise((resolve) => (letThrough = resolve));
}

beforeEach(async () => {
  seen = { handshakes: [], events: [] };
  holdHandshakes();
  http = createServer();
  io = new Server(http, { path: '/realtime', transports: ['websocket'] });
  io.use((socket, next) => {
    seen.handshakes.push(socket.handshake.auth as SocketAuth);
    void held.then(() => next());
  });
  io.on('connection', (socket: Socket) => socket.onAny((event: string, payload: unknown) => seen.events.push({ socket: socket.id, event, payload })));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});

const opened: Realtime[] = [];
afterEach(async () => {
  for (const rt of opened.splice(0)) rt.close();
  await io.close();
});

/** A Realtime whose credentials are whatever `current` holds when the handshake reads them. */
function realtime(): { rt: Realtime; set(token: string | null): void } {
  let current: string | null = 'a1';
  const rt = new Realtime(url, async (): Promise<SocketAuth> => (current ? { token: current } : {}), async () => undefined);
  opened.push(rt);
  return {
    rt,
    set(token) {
      current = token;
      rt.swapToken(token);
    },
  };
}

/** Events the server got on the live connection, up to a marker the client sends last (emits keep their order). */
async function eventsUpToMarker(rt: Realtime): Promise<string[]> {
  rt.connect().emit('marker');
  await eventually(async () => seen.events.some((e) => e.event === 'marker'));
  return seen.events.map((e) => e.event);
}

describe('a token change during the handshake', () => {
  it('a refresh is handed to the socket once it connects', async () => {
    const { rt, set } = realtime();
    const socket = rt.connect();
    await eventually(async () => seen.handshakes.length === 1);
    expect(seen.handshakes[0]).toEqual({ token: 'a1' });
    set('a2');
    letThrough();
    await eventually(async () => socket.connected);
    expect(await eventsUpToMarker(rt)).toEqual(['auth', 'marker']);
    expect(seen.events[0]!.payload).toEqual({ token: 'a2' });
  });

  it('nothing is sent when the handshake read the new token itself', async () => {
    const { rt, set } = realtime();
    const socket = rt.connect();
    set('a2'); // before the handshake reads the credentials
    await eventually(async () => seen.handshakes.length === 1);
    expect(seen.handshakes[0]).toEqual({ token: 'a2' });
    letThrough();
    await eventually(async () => socket.connected);
    expect(await eventsUpToMarker(rt)).toEqual(['marker']);
  });

  it('a sign-out starts over as a guest once connected', async () => {
    const { rt, set } = realtime();
    const socket = rt.connect();
    await eventually(async () => seen.handshakes.length === 1);
    set(null);
    letThrough();
    await eventually(async () => seen.handshakes.length === 2 && socket.connected);
    expect(seen.handshakes).toEqual([{ token: 'a1' }, {}]);
  });

  it('a refresh on a live socket is sent at once', async () => {
    const { rt, set } = realtime();
    letThrough();
    const socket = rt.connect();
    await eventually(async () => socket.connected);
    set('a2');
    expect(await eventsUpToMarker(rt)).toEqual(['auth', 'marker']);
    expect(seen.events[0]!.payload).toEqual({ token: 'a2' });
  });
});
