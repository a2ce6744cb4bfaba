import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { Room } from '../media/Room.ts';
import type { Peer, PeerRole } from './Peer.ts';

/** The peer's room, or a `bad_request` telling the client what to send first. */
export function requireRoom(peer: Peer, role: PeerRole): Room {
  if (peer.role !== role) throw new MaskwatchError('bad_request', `only a ${role} connection may send this`);
  const room = peer.room;
  if (!room) throw new MaskwatchError('bad_request', `send ${role}:join first`);
  if (room.closed) throw new MaskwatchError('unavailable', `the media server restarted; send ${role}:join again`);
  return room;
}
