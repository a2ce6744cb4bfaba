import type { types } from 'mediasoup';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { HandlerContext } from './context.ts';
import { onRequest } from './onRequest.ts';
import { PEER_LIMITS } from './Peer.ts';
import { requireRoom } from './requireJoined.ts';

/** transport:create / transport:connect: WebRTC transports, send for cameras and recv for viewers. */
export function registerTransportHandlers(ctx: HandlerContext): void {
  onRequest(ctx, 'transport:create', async ({ peer }, { direction }) => {
    const expected = peer.role === 'camera' ? 'send' : 'recv';
    if (direction !== expected)
      throw new MaskwatchError('bad_request', `a ${peer.role} creates ${expected} transports only`);
    const room = requireRoom(peer, peer.role);
    if (peer.transports.size >= PEER_LIMITS.transports) {
      throw new MaskwatchError('conflict', `at most ${PEER_LIMITS.transports} transports per connection`);
    }
    const transport = await room.createWebRtcTransport({ peerId: peer.id, direction });
    if (peer.closed || peer.room !== room) {
      transport.close();
      throw new MaskwatchError('conflict', 'the connection left its room while the transport was being created');
    }
    peer.addTransport(transport, direction);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') peer.log.warn({ transportId: transport.id, state }, 'DTLS');
    });
    peer.log.debug({ transportId: transport.id, direction }, 'transport created');
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates as unknown as Record<string, unknown>[],
      dtlsParameters: transport.dtlsParameters,
    };
  });

  onRequest(ctx, 'transport:connect', async ({ peer }, { transportId, dtlsParameters }) => {
    const entry = peer.transports.get(transportId);
    if (!entry) throw new MaskwatchError('not_found', `no transport ${transportId} on this connection`);
    await entry.transport.connect({ dtlsParameters: dtlsParameters as unknown as types.DtlsParameters });
    return {};
  });
}
