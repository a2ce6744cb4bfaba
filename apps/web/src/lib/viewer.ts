/**
 * The console's side of the SFU: one recv transport shared by every tile; consumers are created paused and
 * resumed once their track is attached (the server sends no media before the page can show it).
 */
import { Device, type types } from 'mediasoup-client';
import { request, type SignallingSocket } from './signalling';

export type Consumed = {
  consumerId: string;
  producerId: string;
  track: MediaStreamTrack;
  /** The track's receiver (its jitter buffer can be told to hold frames back); absent in some browsers. */
  receiver: RTCRtpReceiver | null;
  /** The server converts the camera's video for this browser (it cannot receive the camera's own format). */
  transcoded: boolean;
  /** The camera's own video format, in words ("H.264 High"). */
  format: string;
  close(): void;
};

export class Viewer {
  readonly #socket: SignallingSocket;
  #device: types.Device | null = null;
  #transport: Promise<types.Transport> | null = null;
  readonly #consumers = new Set<types.Consumer>();
  #closed = false;
  #generation = 0;

  constructor(socket: SignallingSocket) {
    this.#socket = socket;
  }

  /**
   * Prepares for a new viewer session (the page's `viewer:join`, again after each reconnect): drops the previous
   * session's transport and consumers and loads the router's capabilities.
   */
  async load(routerRtpCapabilities: Record<string, unknown>): Promise<void> {
    this.#reset();
    const generation = ++this.#generation;
    const device = new Device();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
    // A later session started while this one loaded: it owns the device now.
    if (generation === this.#generation && !this.#closed) this.#device = device;
  }

  /** Creates a paused consumer for the camera's video and returns its track; call `resume` once it is attached. */
  async consume(cameraId: string): Promise<Consumed> {
    const device = this.#device;
    if (!device) throw new Error('viewer has no session');
    const transport = await this.#recvTransport(device);
    const answer = await request(this.#socket, 'viewer:consume', {
      cameraId,
      transportId: transport.id,
      rtpCapabilities: device.rtpCapabilities as RequestRtpCapabilities,
    });
    const consumer = await transport.consume({
      id: answer.consumerId,
      producerId: answer.producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters as types.RtpParameters,
    });
    this.#consumers.add(consumer);
    const close = (): void => {
      if (consumer.closed) return;
      consumer.close();
      this.#consumers.delete(consumer);
      if (this.#socket.connected) request(this.#socket, 'viewer:close-consumer', { consumerId: consumer.id }).catch(() => undefined);
    };
    return {
      consumerId: consumer.id,
      producerId: consumer.producerId,
      track: consumer.track,
      receiver: consumer.rtpReceiver ?? null,
      transcoded: answer.transcoded,
      format: answer.format,
      close,
    };
  }

  async resume(consumerId: string): Promise<void> {
    await request(this.#socket, 'viewer:resume', { consumerId });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reset();
  }

  #recvTransport(device: types.Device): Promise<types.Transport> {
    // One transport for all tiles; concurrent first consumes share the same creation.
    this.#transport ??= (async () => {
      const options = await request(this.#socket, 'transport:create', { direction: 'recv' });
      const transport = device.createRecvTransport({
        id: options.id,
        iceParameters: options.iceParameters as types.IceParameters,
        iceCandidates: options.iceCandidates as types.IceCandidate[],
        dtlsParameters: options.dtlsParameters as types.DtlsParameters,
      });
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        request(this.#socket, 'transport:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
      });
      return transport;
    })().catch((error: unknown) => {
      this.#transport = null;
      throw error;
    });
    return this.#transport;
  }

  #reset(): void {
    for (const consumer of this.#consumers) consumer.close();
    this.#consumers.clear();
    const transport = this.#transport;
    this.#transport = null;
    transport?.then((t) => t.close()).catch(() => undefined);
    this.#device = null;
  }
}

type RequestRtpCapabilities = Parameters<typeof request<'viewer:consume'>>[2]['rtpCapabilities'];
