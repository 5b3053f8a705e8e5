import type { BroadcastEvent, PresenceEvent, PresenceState, RealtimeMember } from '@basalt/contracts';
import type { Socket } from 'socket.io-client';

interface ChannelEvents {
  broadcast: BroadcastEvent;
  presence: PresenceEvent;
}

/** What a channel needs from the realtime connection. */
export interface ChannelHost {
  socket(): Socket;
  whenConnected(socket: Socket): Promise<void>;
  request(socket: Socket, event: string, payload: unknown): Promise<{ members?: unknown[] }>;
  forget(): void;
}

/** `basalt.realtime.channel(name)`: broadcast messages and presence among the clients that joined. */
export class ChannelClient {
  private readonly handlers: { [K in keyof ChannelEvents]: Set<(e: ChannelEvents[K]) => void> } = { broadcast: new Set(), presence: new Set() };
  private joined = false;
  private presence?: PresenceState;

  constructor(
    readonly name: string,
    private readonly host: ChannelHost,
  ) {}

  on<K extends keyof ChannelEvents>(event: K, handler: (e: ChannelEvents[K]) => void): () => void {
    this.handlers[event].add(handler);
    return () => this.handlers[event].delete(handler);
  }

  /** Joins (with an optional presence state others see); resolves with the current members. */
  async join(opts: { presence?: PresenceState } = {}): Promise<RealtimeMember[]> {
    const socket = this.host.socket();
    await this.host.whenConnected(socket);
    this.presence = opts.presence;
    const ack = await this.host.request(socket, 'join', this.joinPayload());
    this.joined = true;
    return (ack.members ?? []) as RealtimeMember[];
  }

  /** Sends to the other members; the promise (safe to ignore) settles when the server has taken it. */
  async send(event: string, payload?: unknown): Promise<void> {
    const socket = this.host.socket();
    await this.host.whenConnected(socket);
    await this.host.request(socket, 'broadcast', { channel: this.name, event, payload });
  }

  async leave(): Promise<void> {
    this.joined = false;
    const socket = this.host.socket();
    this.host.forget();
    if (socket.connected) await this.host.request(socket, 'leave', { channel: this.name });
  }

  /** After a reconnect the server no longer knows we joined. */
  async rejoin(): Promise<void> {
    if (this.joined) await this.host.request(this.host.socket(), 'join', this.joinPayload());
  }

  dispatch<K extends keyof ChannelEvents>(event: K, e: ChannelEvents[K]): void {
    for (const h of this.handlers[event]) h(e);
  }

  private joinPayload(): Record<string, unknown> {
    return this.presence === undefined ? { channel: this.name } : { channel: this.name, presence: this.presence };
  }
}
