import type { ServerEventName, ServerEventPayload } from '@maskwatch/protocol/signalling';
import type { IoServer, IoSocket } from './context.ts';

/** Packets a socket may have waiting to be written before further results for it are dropped (a slow client). */
export const MAX_BACKLOG = 64;

/** Packets engine.io holds for this socket, not yet written to its transport (its private write buffer). */
function backlogOf(socket: IoSocket): number {
  const buffer = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer;
  return Array.isArray(buffer) ? buffer.length : 0;
}

/**
 * Emits `event` to every socket in any of `rooms`, except to a socket whose backlog is already MAX_BACKLOG (it
 * misses this one, rather than queueing without bound); returns how many sockets were skipped.
 *
 * Not socket.io's `volatile`: that drops a packet whenever the transport is busy writing the one before, and results
 * come in bursts (a node analyses the frames of every camera in one batch), so a viewer of 16 cameras got one result
 * of each burst and missed the rest (bench:live measured 0.4 analysed fps per camera at the viewer while the node
 * analysed 2.8).
 */
export function pushBounded<N extends ServerEventName>(
  io: IoServer,
  rooms: readonly string[],
  event: N,
  payload: ServerEventPayload<N>,
): number {
  const ids = new Set<string>();
  for (const room of rooms) for (const id of io.sockets.adapter.rooms.get(room) ?? []) ids.add(id);
  let skipped = 0;
  for (const id of ids) {
    const socket = io.sockets.sockets.get(id);
    if (!socket) continue;
    if (backlogOf(socket) >= MAX_BACKLOG) {
      skipped++;
      continue;
    }
    (socket.emit as (event: N, payload: ServerEventPayload<N>) => boolean)(event, payload);
  }
  return skipped;
}
