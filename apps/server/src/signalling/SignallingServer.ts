import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import type { CameraView } from '@maskwatch/protocol/camera';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { MetricsSample } from '@maskwatch/protocol/metrics';
import type { ErrorBody } from '@maskwatch/protocol/errors';
import { isClientRequestName, MAX_SOCKET_FRAME_BYTES } from '@maskwatch/protocol/signalling';
import type { AccessControl } from '../auth/AccessControl.ts';
import { viewFor } from '../auth/viewFor.ts';
import type { CameraService } from '../cameras/CameraService.ts';
import { createLogger } from '../logger.ts';
import type { MediaService } from '../media/MediaService.ts';
import { authenticateSocket, type Handshake } from './authenticateSocket.ts';
import { METRICS_ROOM, resultsRoom, ROLE_ROOMS, VIEWERS_ROOM, type HandlerContext, type IoServer } from './context.ts';
import { pushBounded } from './pushBounded.ts';
import { takeToken } from './onRequest.ts';
import { Peer } from './Peer.ts';
import { registerCameraHandlers } from './registerCameraHandlers.ts';
import { registerClockHandlers } from './registerClockHandlers.ts';
import { registerTransportHandlers } from './registerTransportHandlers.ts';
import { StatePusher } from './StatePusher.ts';

const log = createLogger('SignallingServer');
/** setTimeout's ceiling (about 24.8 days); a longer session is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A handshake refusal; socket.io gives the client `err.message` and `err.data` in `connect_error`. */
class HandshakeError extends Error {
  readonly data: ErrorBody;
  constructor(data: ErrorBody) {
    super(data.message);
    this.data = data;
  }
}

/**
 * socket.io signalling. Owns the Server and one Peer per socket. Every socket is authenticated at the handshake
 * (authenticateSocket) and each request checked against REQUEST_ACCESS; sockets whose session or publish token ends
 * are told and dropped at once. Pushes camera changes (from CameraService) to joined viewers, coalesced.
 */
export class SignallingServer {
  readonly io: IoServer;
  readonly #peers = new Map<string, Peer>();
  readonly #cameras: CameraService;
  readonly #access: AccessControl;
  readonly #unsubscribe: (() => void)[] = [];
  /** Handlers of features that live outside signalling (alerts...), registered on every new connection. */
  readonly #features: ((ctx: HandlerContext) => void)[] = [];
  readonly #states: StatePusher;
  /** Per user socket: drops it when its session expires (revocations are announced; expiry is not). */
  readonly #expiryTimers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(httpServer: HttpServer | HttpsServer, cameras: CameraService, media: MediaService, access: AccessControl) {
    this.#cameras = cameras;
    this.#access = access;
    this.io = new Server(httpServer, {
      maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
      serveClient: false,
      // No CORS: the pages are served from this origin. A browser on another origin cannot read polling answers,
      // and its websocket (which CORS does not cover) is turned away here by its Origin header.
      allowRequest: (req, callback) => {
        const problem = access.guard.socketProblem(req);
        if (problem) log.debug({ problem }, 'socket.io request refused');
        callback(problem, problem === null);
      },
    });
    this.io.use((socket, next) => {
      const result = authenticateSocket(access, socket.handshake.auth, socket.request);
      if ('code' in result) {
        next(new HandshakeError(result));
        return;
      }
      socket.data = result;
      next();
    });
    this.io.on('connection', (socket) => {
      const { role, principal, address } = socket.data as Handshake;
      const peer = new Peer(socket.id, role, principal, address);
      this.#peers.set(socket.id, peer);
      peer.log.debug('connected');
      if (principal.kind === 'user') this.#dropAtExpiry(peer, principal.sessionId);
      const ctx: HandlerContext = { io: this.io, socket, peer, cameras, media, access };
      registerCameraHandlers(ctx);
      registerTransportHandlers(ctx);
      registerClockHandlers(ctx);
      for (const register of this.#features) register(ctx);
      socket.onAny((event: unknown, ...args: unknown[]) => {
        const name = String(event);
        if (isClientRequestName(name)) return;
        if (!takeToken(ctx)) return;
        const error: ErrorBody = { code: 'unknown_event', message: `unknown event "${name.slice(0, 64)}"` };
        socket.emit('server:error', { ...error, event: name.slice(0, 64) });
        const ack = args.at(-1);
        if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: false, error });
      });
      socket.on('disconnect', (reason) => {
        peer.log.debug({ reason }, 'disconnected');
        clearTimeout(this.#expiryTimers.get(socket.id));
        this.#expiryTimers.delete(socket.id);
        this.#peers.delete(socket.id);
        if (peer.cameraId) cameras.release(peer.cameraId, peer.id);
        peer.close();
      });
    });

    this.#states = new StatePusher((view: CameraView) => {
      this.io.to(ROLE_ROOMS.admin).emit('camera:state', view);
      this.io.to(ROLE_ROOMS.operator).emit('camera:state', viewFor(view, 'operator'));
    });
    const onState = (view: CameraView) => this.#states.push(view);
    // A page publishing the removed camera was asked to stop by CameraService (its Publisher); viewers are told here.
    const onRemoved = (cameraId: string) => {
      this.#states.drop(cameraId);
      this.io.to(VIEWERS_ROOM).emit('camera:removed', { cameraId });
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
    // A session or a publish link that ends takes its sockets with it, now.
    const onSessionsRevoked = (sessionIds: string[]) => {
      const ended = new Set(sessionIds);
      this.#drop(
        (peer) => peer.principal.kind === 'user' && ended.has(peer.principal.sessionId),
        'your session ended; sign in again',
      );
    };
    const onTokenRevoked = (cameraId: string) =>
      this.#drop(
        (peer) => peer.principal.kind === 'token' && peer.principal.cameraId === cameraId,
        'this publish link was revoked; ask an admin for a new one',
      );
    const onSettings = () => {
      if (!access.settings.get().openEnrolment)
        this.#drop((peer) => peer.principal.kind === 'enrolment', 'open enrolment was switched off; use a publish link');
    };
    cameras.on('state', onState);
    cameras.on('removed', onRemoved);
    media.on('roomclose', onRoomClose);
    access.auth.on('revoked', onSessionsRevoked);
    access.tokens.on('revoked', onTokenRevoked);
    access.settings.on('changed', onSettings);
    this.#unsubscribe.push(
      () => cameras.off('state', onState),
      () => cameras.off('removed', onRemoved),
      () => media.off('roomclose', onRoomClose),
      () => access.auth.off('revoked', onSessionsRevoked),
      () => access.tokens.off('revoked', onTokenRevoked),
      () => access.settings.off('changed', onSettings),
    );
  }

  /**
   * One analysed frame to every viewer (the console shows every camera) and to the camera's own page. Volatile: a
   * client that cannot keep up misses results rather than getting them late (a newer one is on its way).
   */
  pushResults(result: FrameResult): void {
    if (this.#closed) return;
    // A face's appearance is for the alert rule; viewers draw boxes and labels.
    const faces = result.faces.map(({ appearance: _look, ...face }) => face);
    pushBounded(this.io, [VIEWERS_ROOM, resultsRoom(result.cameraId)], 'results:frame', { ...result, faces });
  }

  /** The newest metrics sample to the pages that sent `metrics:subscribe`. */
  pushMetrics(sample: MetricsSample): void {
    if (!this.#closed) this.io.to(METRICS_ROOM).emit('metrics:update', sample);
  }

  /** socket.io connections now, by role (camera pages, viewers). */
  connectionsByRole(): { camera: number; viewer: number } {
    const counts = { camera: 0, viewer: 0 };
    for (const peer of this.#peers.values()) counts[peer.role]++;
    return counts;
  }

  /** Registers a feature's request handlers on every connection from now on (e.g. `registerAlertHandlers`). */
  addHandlers(register: (ctx: HandlerContext) => void): void {
    this.#features.push(register);
  }

  /** Drops `peer` when its session expires (checked again then: a longer session gets a new timer). */
  #dropAtExpiry(peer: Peer, sessionId: string): void {
    const expiresAt = this.#access.auth.expiresAt(sessionId);
    const wait = expiresAt === undefined ? 0 : Date.parse(expiresAt) - Date.now();
    const timer = setTimeout(() => {
      if (!this.#peers.has(peer.id)) return;
      if (this.#access.auth.stillValid(sessionId)) this.#dropAtExpiry(peer, sessionId);
      else this.#drop((candidate) => candidate === peer, 'your session expired; sign in again');
    }, Math.min(MAX_TIMER_MS, Math.max(0, wait) + 50));
    timer.unref();
    this.#expiryTimers.set(peer.id, timer);
  }

  /** Tells each matching socket why (`unauthorized`, on the event its page acts on) and disconnects it. */
  #drop(matches: (peer: Peer) => boolean, message: string): void {
    for (const peer of [...this.#peers.values()]) {
      if (!matches(peer)) continue;
      peer.log.info({ message }, 'access ended: disconnecting');
      const event = peer.role === 'camera' ? 'camera:join' : 'viewer:join';
      const socket = this.io.sockets.sockets.get(peer.id);
      socket?.emit('server:error', { code: 'unauthorized', message, event });
      // The disconnect handler releases the camera (and with it the producer) and forgets the peer.
      socket?.disconnect(true);
    }
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#expiryTimers.values()) clearTimeout(timer);
    this.#expiryTimers.clear();
    this.#states.close();
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
