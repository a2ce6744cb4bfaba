import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@maskwatch/protocol/signalling';
import type { AccessControl } from '../auth/AccessControl.ts';
import type { CameraService } from '../cameras/CameraService.ts';
import type { MediaService } from '../media/MediaService.ts';
import type { Peer } from './Peer.ts';

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** What a handler may touch: its own socket and peer, and the services it asks for changes. */
export type HandlerContext = {
  io: IoServer;
  socket: IoSocket;
  peer: Peer;
  cameras: CameraService;
  media: MediaService;
  access: AccessControl;
};

/** socket.io room that every joined viewer is in. */
export const VIEWERS_ROOM = 'viewers';

/** socket.io room of a camera's own page: it gets the camera's results (viewers get every camera's). */
export function resultsRoom(cameraId: string): string {
  return `results:${cameraId}`;
}
/** socket.io room of the pages that asked for `metrics:update` pushes. */
export const METRICS_ROOM = 'metrics';
/** Joined viewers by role: camera:state differs by role (operators see no RTSP sources or raw ingest errors). */
export const ROLE_ROOMS = { admin: 'viewers:admin', operator: 'viewers:operator' } as const;
