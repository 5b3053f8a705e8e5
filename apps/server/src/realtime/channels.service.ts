import { type BroadcastRequest, type JoinRequest, REALTIME_LIMITS, type RealtimeMember } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import type { RemoteSocket, Socket } from 'socket.io';
import { RealtimeErrors } from './realtime.errors.js';
import { RealtimeHub } from './realtime-hub.js';
import type { RecoverableData } from './socket-session.js';

/** Channel rooms are prefixed, so no channel name can collide with a socket's own room (its id). */
const room = (channel: string) => `channel:${channel}`;

/**
 * Broadcast channels with presence. Membership is the Socket.IO room, so it spans nodes through the
 * adapter; who is in a channel is read with fetchSockets() from each socket's data.
 * Open to every socket, guests included: a channel is as private as its name is hard to guess.
 */
@Injectable()
export class ChannelsService {
  constructor(private readonly hub: RealtimeHub) {}

  async join(socket: Socket, req: JoinRequest): Promise<RealtimeMember[]> {
    const channels = dataOf(socket).channels;
    if (!(req.channel in channels) && Object.keys(channels).length >= REALTIME_LIMITS.channelsPerSocket) {
      throw RealtimeErrors.tooMany('channels', REALTIME_LIMITS.channelsPerSocket);
    }
    channels[req.channel] = req.presence ?? null;
    await socket.join(room(req.channel));
    socket.to(room(req.channel)).emit('presence', { channel: req.channel, joined: [memberIn(socket, req.channel)], left: [] });
    return this.members(req.channel);
  }

  leave(socket: Socket, channel: string): void {
    const channels = dataOf(socket).channels;
    if (!(channel in channels)) return;
    const me = memberIn(socket, channel);
    delete channels[channel];
    void socket.leave(room(channel));
    this.hub.server?.to(room(channel)).emit('presence', { channel, joined: [], left: [me] });
  }

  broadcast(socket: Socket, req: BroadcastRequest): void {
    if (!(req.channel in dataOf(socket).channels)) throw RealtimeErrors.notAMember(req.channel);
    socket.to(room(req.channel)).emit('broadcast', { channel: req.channel, event: req.event, payload: req.payload ?? null, from: memberIn(socket, req.channel) });
  }

  /** A socket went away (its rooms are already left): the others see it leave every channel. */
  announceLeft(socketData: RecoverableData): void {
    for (const channel of Object.keys(socketData.channels ?? {})) {
      const me = { ...socketData.member, state: socketData.channels[channel] ?? null };
      this.hub.server?.to(room(channel)).emit('presence', { channel, joined: [], left: [me] });
    }
  }

  /** A socket resumed with its rooms restored: the others see it back. */
  announceRejoined(socket: Socket): void {
    for (const channel of Object.keys(dataOf(socket).channels)) {
      socket.to(room(channel)).emit('presence', { channel, joined: [memberIn(socket, channel)], left: [] });
    }
  }

  /** Every socket in the channel on every node. */
  async members(channel: string): Promise<RealtimeMember[]> {
    const sockets = (await this.hub.server?.in(room(channel)).fetchSockets()) ?? [];
    return sockets.map((s: RemoteSocket<any, any> | Socket) => memberIn(s, channel));
  }
}

function dataOf(socket: { data: unknown }): RecoverableData {
  const data = socket.data as RecoverableData;
  data.channels ??= {};
  return data;
}

function memberIn(socket: { data: unknown }, channel: string): RealtimeMember {
  const data = dataOf(socket);
  return { ...data.member, state: data.channels[channel] ?? null };
}
