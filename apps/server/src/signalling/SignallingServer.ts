import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import type { CameraView } from '@maskwatch/protocol/camera';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { ErrorBody } from '@maskwatch/protocol/errors';
import { HandshakeAuthSchema, isClientRequestName, MAX_SOCKET_FRAME_BYTES } from '@maskwatch/protocol/signalling';
import { PROTOCOL_VERSION } from '@maskwatch/protocol/version';
import type { CameraService } from '../cameras/CameraService.ts';
import { createLogger } from '../logger.ts';
import type { MediaService } from '../media/MediaService.ts';
import { resultsRoom, VIEWERS_ROOM, type HandlerContext, type IoServer } from './context.ts';
import { Peer } from './Peer.ts';
import { registerCameraHandlers } from './registerCameraHandlers.ts';
import { registerClockHandlers } from './registerClockHandlers.ts';
import { registerMetricsHandlers } from './registerMetricsHandlers.ts';
import { registerTransportHandlers } from './registerTransportHandlers.ts';
import { registerViewerHandlers } from './registerViewerHandlers.ts';

const log = createLogger('SignallingServer');

/** A handshake refusal; socket.io gives the client `err.message` and `err.data` in `connect_error`. */
class HandshakeError extends Error {
  readonly data: ErrorBody;
  constructor(data: ErrorBody) {
    super(data.message);
    this.data = data;
  }
}

/**
 * socket.io signalling. Owns the Server and one Peer per socket; pushes camera changes (from CameraService) to
 * every joined viewer.
 */
export class SignallingServer {
  readonly io: IoServer;
  readonly #peers = new Map<string, Peer>();
  readonly #cameras: CameraService;
  readonly #unsubscribe: (() => void)[] = [];
  /** Handlers of features that live outside signalling (alerts...), registered on every new connection. */
  readonly #features: ((ctx: HandlerContext) => void)[] = [];
  #closed = false;

  constructor(httpServer: HttpServer | HttpsServer, cameras: CameraService, media: MediaService) {
    this.#cameras = cameras;
    this.io = new Server(httpServer, {
      maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
      serveClient: false,
      // Same origin when the pages are served by this process; other origins (next dev) are allowed for development.
      cors: { origin: true, credentials: false },
    });
    this.io.use((socket, next) => {
      const parsed = HandshakeAuthSchema.safeParse(socket.handshake.auth);
      if (!parsed.success) {
        next(
          new HandshakeError({
            code: 'bad_request',
            message: 'handshake auth must be { protocolVersion: number, role: "camera" | "viewer" }',
          }),
        );
        return;
      }
      if (parsed.data.protocolVersion !== PROTOCOL_VERSION) {
        next(
          new HandshakeError({
            code: 'unsupported_version',
            message: `protocol version ${parsed.data.protocolVersion} is not supported; this server speaks ${PROTOCOL_VERSION}`,
          }),
        );
        return;
      }
      socket.data = { role: parsed.data.role };
      next();
    });
    this.io.on('connection', (socket) => {
      const role = (socket.data as { role: 'camera' | 'viewer' }).role;
      const peer = new Peer(socket.id, role);
      this.#peers.set(socket.id, peer);
      peer.log.debug('connected');
      const ctx: HandlerContext = { io: this.io, socket, peer, peers: this.#peers, cameras, media };
      registerCameraHandlers(ctx);
      registerViewerHandlers(ctx);
      registerTransportHandlers(ctx);
      registerClockHandlers(ctx);
      for (const register of this.#features) register(ctx);
      registerMetricsHandlers(ctx);
      socket.onAny((event: unknown, ...args: unknown[]) => {
        const name = String(event);
        if (isClientRequestName(name)) return;
        const error: ErrorBody = { code: 'unknown_event', message: `unknown event "${name.slice(0, 64)}"` };
        socket.emit('server:error', { ...error, event: name.slice(0, 64) });
        const ack = args.at(-1);
        if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: false, error });
      });
      socket.on('disconnect', (reason) => {
        peer.log.debug({ reason }, 'disconnected');
        this.#peers.delete(socket.id);
        if (peer.cameraId) cameras.release(peer.cameraId, peer.id);
        peer.close();
      });
    });

    const onState = (view: CameraView) => this.io.to(VIEWERS_ROOM).emit('camera:state', view);
    const onRemoved = (cameraId: string) => {
      this.io.to(VIEWERS_ROOM).emit('camera:removed', { cameraId });
      for (const peer of this.#peers.values()) {
        if (peer.cameraId === cameraId) {
          peer.closeMedia();
          peer.cameraId = undefined;
          this.io.in(peer.id).socketsLeave(resultsRoom(cameraId));
          this.io
            .to(peer.id)
            .emit('server:error', { code: 'not_found', message: 'this camera was removed', event: 'camera:join' });
        }
      }
    };
    const onRoomClose = (group: string) => {
      // The worker under this room died: tell each client in it to join again (it gets a new router).
      for (const peer of this.#peers.values()) {
        if (peer.room?.group !== group) continue;
        peer.closeMedia();
        if (peer.cameraId) cameras.release(peer.cameraId, peer.id, 'offline', 'media server restarted');
        const event = peer.role === 'camera' ? 'camera:join' : 'viewer:join';
        this.io
          .to(peer.id)
          .emit('server:error', { code: 'unavailable', message: `media server restarted; send ${event} again`, event });
      }
    };
    cameras.on('state', onState);
    cameras.on('removed', onRemoved);
    media.on('roomclose', onRoomClose);
    this.#unsubscribe.push(
      () => cameras.off('state', onState),
      () => cameras.off('removed', onRemoved),
      () => media.off('roomclose', onRoomClose),
    );
  }

  /**
   * One analysed frame to every viewer (the console shows every camera) and to the camera's own page. Volatile: a
   * client that cannot keep up misses results rather than getting them late (a newer one is on its way).
   */
  pushResults(result: FrameResult): void {
    if (this.#closed) return;
    this.io.to(VIEWERS_ROOM).to(resultsRoom(result.cameraId)).volatile.emit('results:frame', result);
  }

  /** Registers a feature's request handlers on every connection from now on (e.g. `registerAlertHandlers`). */
  addHandlers(register: (ctx: HandlerContext) => void): void {
    this.#features.push(register);
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unsubscribe) off();
    for (const peer of this.#peers.values()) {
      if (peer.cameraId) this.#cameras.release(peer.cameraId, peer.id);
      peer.close();
    }
    this.#peers.clear();
    this.io.disconnectSockets(true);
    // io.close() would also close the HTTP server, which belongs to createServer.
    this.io.engine.close();
    log.debug('closed');
  }
}
