import type { types } from 'mediasoup';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { viewFor } from '../auth/viewFor.ts';
import type { ViewerVideo } from '../viewing/ViewerVideo.ts';
import { ROLE_ROOMS, VIEWERS_ROOM, type HandlerContext } from './context.ts';
import { onRequest } from './onRequest.ts';
import { PEER_LIMITS } from './Peer.ts';
import { requireRoom } from './requireJoined.ts';

/**
 * viewer:join / consume / resume / close-consumer: the console watching cameras. What a viewer consumes for a camera
 * (its own video, or a copy its browser can play) is ViewerVideo's choice.
 */
export function registerViewerHandlers(ctx: HandlerContext, viewing: ViewerVideo): void {
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
    const entry = peer.transports.get(transportId);
    if (!entry || entry.direction !== 'recv')
      throw new MaskwatchError('not_found', `no recv transport ${transportId} on this connection`);
    if (peer.consumers.size >= PEER_LIMITS.consumers)
      throw new MaskwatchError('conflict', `at most ${PEER_LIMITS.consumers} consumers`);
    const caps = rtpCapabilities as unknown as types.RtpCapabilities;
    const source = await viewing.sourceFor(cameraId, room, caps);
    const { producer, group } = source;
    if (group !== room.group) await media.pipeProducer(producer, await media.getRoom(group), room);
    const consumer = await entry.transport.consume({
      producerId: producer.id,
      rtpCapabilities: caps,
      paused: true,
      appData: { cameraId, transcoded: source.transcoded },
    });
    if (peer.closed) {
      consumer.close();
      throw new MaskwatchError('conflict', 'connection closed');
    }
    peer.addConsumer(consumer);
    if (source.transcoded) viewing.watch(cameraId, consumer);
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      transcoded: source.transcoded,
      format: source.format,
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
