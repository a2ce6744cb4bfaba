import type { types } from 'mediasoup';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { viewFor } from '../auth/viewFor.ts';
import { ROLE_ROOMS, VIEWERS_ROOM, type HandlerContext } from './context.ts';
import { onRequest } from './onRequest.ts';
import { PEER_LIMITS } from './Peer.ts';
import { requireRoom } from './requireJoined.ts';

/** viewer:join / consume / resume / close-consumer: the console watching cameras. */
export function registerViewerHandlers(ctx: HandlerContext): void {
  onRequest(ctx, 'viewer:join', async ({ peer, socket, cameras, media }) => {
    const role = peer.access === 'admin' ? 'admin' : 'operator';
    const room = await media.getRoom();
    peer.setRoom(room);
    await socket.join([VIEWERS_ROOM, ROLE_ROOMS[role]]);
    return {
      routerRtpCapabilities: room.rtpCapabilities as unknown as Record<string, unknown>,
      cameras: cameras.views().map((view) => viewFor(view, role)),
    };
  });

  onRequest(ctx, 'viewer:consume', async ({ peer, cameras, media }, { cameraId, transportId, rtpCapabilities }) => {
    const room = requireRoom(peer, 'viewer');
    if (!cameras.get(cameraId)) throw new MaskwatchError('not_found', `no camera ${cameraId}`);
    const video = cameras.videoOf(cameraId);
    if (!video) throw new MaskwatchError('unavailable', `camera ${cameraId} has no video right now`);
    const { producer, group } = video;
    const entry = peer.transports.get(transportId);
    if (!entry || entry.direction !== 'recv')
      throw new MaskwatchError('not_found', `no recv transport ${transportId} on this connection`);
    if (peer.consumers.size >= PEER_LIMITS.consumers)
      throw new MaskwatchError('conflict', `at most ${PEER_LIMITS.consumers} consumers`);
    if (group !== room.group) await media.pipeProducer(producer, await media.getRoom(group), room);
    const caps = rtpCapabilities as unknown as types.RtpCapabilities;
    if (!room.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
      throw new MaskwatchError(
        'bad_request',
        `these rtpCapabilities cannot receive camera ${cameraId}'s ${producer.rtpParameters.codecs[0]?.mimeType ?? 'codec'}`,
      );
    }
    const consumer = await entry.transport.consume({
      producerId: producer.id,
      rtpCapabilities: caps,
      paused: true,
      appData: { cameraId },
    });
    if (peer.closed) {
      consumer.close();
      throw new MaskwatchError('conflict', 'connection closed');
    }
    peer.addConsumer(consumer);
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
    };
  });

  onRequest(ctx, 'viewer:resume', async ({ peer }, { consumerId }) => {
    const consumer = peer.consumers.get(consumerId);
    if (!consumer) throw new MaskwatchError('not_found', `no consumer ${consumerId} on this connection`);
    await consumer.resume();
    // A fresh viewer needs a key frame now, not at the camera's next one.
    if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
    return {};
  });

  onRequest(ctx, 'viewer:close-consumer', ({ peer }, { consumerId }) => {
    const consumer = peer.consumers.get(consumerId);
    if (!consumer) throw new MaskwatchError('not_found', `no consumer ${consumerId} on this connection`);
    consumer.close();
    return {};
  });
}
