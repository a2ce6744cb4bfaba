import type { types } from 'mediasoup';
import type { Camera } from '@maskwatch/protocol/camera';
import type { Publisher } from '../cameras/CameraService.ts';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { resultsRoom, type HandlerContext } from './context.ts';
import { onRequest } from './onRequest.ts';
import { PEER_LIMITS } from './Peer.ts';
import { requireRoom } from './requireJoined.ts';

/**
 * The camera a camera connection may join: a publish token's own camera (a name, if given, must be its name); an
 * admin's or an open-enrolment connection's camera by name, created if new (and audited).
 */
function cameraToJoin(ctx: HandlerContext, name: string | undefined): Camera {
  const { peer, cameras, access } = ctx;
  const principal = peer.principal;
  if (principal.kind === 'token') {
    const camera = cameras.get(principal.cameraId);
    if (!camera) throw new MaskwatchError('not_found', 'this camera was removed');
    if (name !== undefined && name !== camera.name)
      throw new MaskwatchError('forbidden', `this publish link is for camera "${camera.name}" only`);
    return camera;
  }
  if (name === undefined) throw new MaskwatchError('bad_request', 'name: a camera without a publish link joins by name');
  const existing = cameras.getByName(name);
  if (existing) return existing;
  const camera = cameras.create({ kind: 'browser', name });
  const actor =
    principal.kind === 'user'
      ? { user: principal.user, sessionId: principal.sessionId, address: peer.address }
      : { user: null, sessionId: null, address: peer.address };
  access.audit.record(actor, 'camera.create', camera.id, {
    name: camera.name,
    kind: camera.kind,
    via: principal.kind === 'user' ? 'camera page' : 'open enrolment',
  });
  return camera;
}

/**
 * This connection as the publisher of `cameraId`: asked to stop (another connection took the camera over, or it was
 * removed), it closes its own media, leaves the camera's results and tells its page why.
 */
function publisherOf(ctx: HandlerContext, cameraId: string): Publisher {
  const { peer, socket } = ctx;
  return {
    id: peer.id,
    stop: ({ code, message }) => {
      if (peer.cameraId !== cameraId) return;
      peer.log.info({ cameraId, code }, `publishing stopped: ${message}`);
      peer.closeMedia();
      peer.cameraId = undefined;
      void socket.leave(resultsRoom(cameraId));
      socket.emit('server:error', { code, message, event: 'camera:join' });
    },
  };
}

/** camera:prepare / camera:join / camera:produce / camera:faces: a browser camera publishing its video. */
export function registerCameraHandlers(ctx: HandlerContext): void {
  onRequest(ctx, 'camera:join', async ({ peer, socket, cameras, media }, { name }) => {
    const camera = cameraToJoin(ctx, name);
    if (camera.kind !== 'browser') throw new MaskwatchError('conflict', `"${camera.name}" is an ${camera.kind} camera`);
    if (!camera.enabled) throw new MaskwatchError('unavailable', `camera "${camera.name}" is disabled`);
    const room = await media.getRoom();
    if (peer.closed) throw new MaskwatchError('conflict', 'connection closed');
    // Re-joining under another name releases the old camera; the newest publisher of a camera takes it over
    // (a reloaded page must not wait for its old socket's ping timeout): CameraService asks the previous one to stop.
    if (peer.cameraId && peer.cameraId !== camera.id) {
      cameras.release(peer.cameraId, peer.id);
      peer.closeProducers();
    }
    peer.setRoom(room);
    if (peer.cameraId && peer.cameraId !== camera.id) await socket.leave(resultsRoom(peer.cameraId));
    peer.cameraId = camera.id;
    // The camera page draws the server's results over its own preview.
    await socket.join(resultsRoom(camera.id));
    peer.log.info({ cameraId: camera.id }, 'camera joined');
    cameras.publish(camera.id, publisherOf(ctx, camera.id));
    cameras.setStatus(camera.id, 'connecting', 'waiting for video', peer.id);
    return {
      cameraId: camera.id,
      name: camera.name,
      routerRtpCapabilities: room.rtpCapabilities as unknown as Record<string, unknown>,
    };
  });

  onRequest(ctx, 'camera:prepare', async ({ media }) => {
    const room = await media.getRoom();
    return { routerRtpCapabilities: room.rtpCapabilities as unknown as Record<string, unknown> };
  });

  onRequest(ctx, 'camera:produce', async ({ peer, cameras }, { transportId, kind, rtpParameters }) => {
    const room = requireRoom(peer, 'camera');
    const cameraId = peer.cameraId;
    if (!cameraId) throw new MaskwatchError('bad_request', 'send camera:join first');
    const entry = peer.transports.get(transportId);
    if (!entry || entry.direction !== 'send')
      throw new MaskwatchError('not_found', `no send transport ${transportId} on this connection`);
    if (peer.producers.size >= PEER_LIMITS.producers)
      throw new MaskwatchError('conflict', 'one audio and one video producer at most');
    if ([...peer.producers.values()].some((p) => p.kind === kind))
      throw new MaskwatchError('conflict', `a ${kind} producer exists already`);
    const producer = await entry.transport.produce({
      kind,
      rtpParameters: rtpParameters as unknown as types.RtpParameters,
      appData: { cameraId },
    });
    if (peer.closed || peer.cameraId !== cameraId) {
      producer.close();
      throw new MaskwatchError('conflict', 'the camera left while producing');
    }
    peer.addProducer(producer);
    if (kind === 'video') {
      cameras.setVideo(cameraId, peer.id, { producer, group: room.group });
      cameras.setStatus(cameraId, 'live', null, peer.id);
      producer.observer.once('close', () => cameras.setStatus(cameraId, 'connecting', 'video stopped', peer.id));
    }
    peer.log.info({ cameraId, producerId: producer.id, kind }, 'producing');
    return { producerId: producer.id };
  });

  onRequest(ctx, 'camera:faces', ({ peer, cameras }, { count }) => {
    if (!peer.cameraId) throw new MaskwatchError('bad_request', 'send camera:join first');
    cameras.setFaces(peer.cameraId, count);
    return {};
  });
}
