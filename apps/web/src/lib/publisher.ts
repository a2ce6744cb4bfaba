/**
 * Publishes one camera track to the SFU: `camera:join` -> `transport:create` (send) -> `transport:connect` ->
 * `camera:produce`. Owns its socket, transport and producer; the page owns the MediaStream and hands the track in.
 * Reconnects by itself when the socket drops (the server forgets a publisher whose socket went away) and when the
 * server says its media worker restarted; stops for good when another connection takes the camera name over or the
 * camera is removed (publishing again would take it back, or create it again).
 */
import { Device, type types } from 'mediasoup-client';
import type { ServerEventName, ServerEventPayload } from '@maskwatch/protocol/signalling';
import {
  connectSignalling,
  describeError,
  handshakeCode,
  onPush,
  request,
  SignallingError,
  unavailableRetryDelay,
  type SignallingSocket,
} from './signalling';

export type PublisherState =
  | { status: 'connecting'; detail: string }
  | { status: 'live'; cameraId: string; name: string; producerId: string }
  | { status: 'reconnecting'; detail: string }
  | { status: 'error'; detail: string }
  /**
   * The server ended this publisher: `conflict`, another connection took the name over; `removed`, the camera went;
   * `refused`, it may not publish (no or a revoked publish link, not an admin, open enrolment off).
   */
  | { status: 'stopped'; reason: 'conflict' | 'removed' | 'refused'; detail: string }
  | { status: 'closed' };

/** What to publish as: the camera of a publish token, or (an admin, or open enrolment) a camera by name. */
export type PublishAs = { token: string; name?: undefined } | { name: string; token?: undefined };

/**
 * VP8 with three temporal layers (`L1T3`: a quarter, half and all of the frames), where the browser can send VP8:
 * viewers get every frame, the analysis takes only the layer it needs (5 fps analysed from a 30 fps camera needs
 * the quarter), so its decoder decodes a quarter of the frames. The server checks that the producer reports them.
 */
function layeredVp8(device: Device): Pick<types.ProducerOptions, 'codec' | 'encodings'> {
  const vp8 = device.rtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8');
  return vp8 ? { codec: vp8, encodings: [{ scalabilityMode: 'L1T3' }] } : {};
}

export class Publisher {
  #name: string;
  readonly #as: PublishAs;
  readonly #onState: (state: PublisherState) => void;
  readonly #socket: SignallingSocket;
  #track: MediaStreamTrack;
  #transport: types.Transport | null = null;
  #producer: types.Producer | null = null;
  #cameraId: string | null = null;
  #closed = false;
  #attempt = 0;
  #unavailableFailures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(as: PublishAs, track: MediaStreamTrack, onState: (state: PublisherState) => void) {
    this.#as = as;
    this.#name = as.name ?? 'this camera';
    this.#track = track;
    this.#onState = onState;
    this.#socket = connectSignalling('camera', as.token);
    this.#onState({ status: 'connecting', detail: 'connecting to the server' });
    this.#socket.on('connect', () => void this.#publish());
    this.#socket.on('disconnect', (reason) => {
      this.#dropTransport();
      if (!this.#closed) this.#onState({ status: 'reconnecting', detail: `connection lost (${reason})` });
      // A disconnect the server chose is not retried by socket.io itself.
      if (reason === 'io server disconnect' && !this.#closed) this.#socket.connect();
    });
    this.#socket.on('connect_error', (error) => {
      if (this.#closed) return;
      const code = handshakeCode(error);
      // Refused, not unreachable: trying again would not help.
      if (code === 'unauthorized' || code === 'forbidden') this.#stop('refused', error.message);
      else this.#onState({ status: 'reconnecting', detail: `cannot reach the server: ${error.message}` });
    });
    onPush(this.#socket, 'server:error', (error) => this.#onServerError(error));
  }

  get cameraId(): string | null {
    return this.#cameraId;
  }

  /** Listens to a push on this publisher's connection (the alerts of its camera); returns the unsubscribe. */
  onPush<N extends ServerEventName>(name: N, listener: (payload: ServerEventPayload<N>) => void): () => void {
    return onPush(this.#socket, name, listener);
  }

  /** Reports the on-device detector's face count; dropped while not live. */
  reportFaces(count: number): void {
    if (!this.#producer || !this.#socket.connected) return;
    request(this.#socket, 'camera:faces', { count }).catch(() => undefined);
  }

  /** Swaps the published track (front/back camera) without renegotiating. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    this.#track = track;
    if (this.#producer && !this.#producer.closed) await this.#producer.replaceTrack({ track });
  }

  /** Tears down and publishes again on the same socket (the retry button). */
  retry(): void {
    this.#dropTransport();
    if (this.#socket.connected) void this.#publish();
    else this.#socket.connect();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dropTransport();
    this.#socket.close();
    this.#onState({ status: 'closed' });
  }

  #onServerError(error: ServerEventPayload<'server:error'>): void {
    if (this.#closed || error.event !== 'camera:join') return;
    switch (error.code) {
      case 'unavailable':
        // The media worker restarted: the server dropped our transport and producer; join and produce again.
        this.#dropTransport();
        this.#onState({ status: 'reconnecting', detail: 'media server restarted; publishing again' });
        if (this.#socket.connected) void this.#publish();
        return;
      case 'conflict':
        this.#stop('conflict', `Another device took over the camera "${this.#name}"; this page stopped publishing.`);
        return;
      case 'not_found':
        this.#stop('removed', `The camera "${this.#name}" was removed; this page stopped publishing.`);
        return;
      case 'unauthorized':
        this.#stop('refused', error.message);
        return;
      default:
        return;
    }
  }

  #stop(reason: 'conflict' | 'removed' | 'refused', detail: string): void {
    this.#closed = true;
    this.#dropTransport();
    this.#socket.close();
    this.#onState({ status: 'stopped', reason, detail });
  }

  async #publish(): Promise<void> {
    clearTimeout(this.#retryTimer);
    const attempt = ++this.#attempt;
    const stale = (): boolean => this.#closed || attempt !== this.#attempt;
    try {
      this.#onState({ status: 'connecting', detail: 'joining' });
      const joined = await request(this.#socket, 'camera:join', this.#as.name !== undefined ? { name: this.#as.name } : {});
      if (stale()) return;
      this.#cameraId = joined.cameraId;
      this.#name = joined.name;
      const device = new Device();
      await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as types.RtpCapabilities });
      if (!device.canProduce('video')) throw new Error('this browser cannot send video to the server (no common codec)');
      this.#onState({ status: 'connecting', detail: 'opening media transport' });
      const options = await request(this.#socket, 'transport:create', { direction: 'send' });
      if (stale()) return;
      const transport = device.createSendTransport({
        id: options.id,
        iceParameters: options.iceParameters as types.IceParameters,
        iceCandidates: options.iceCandidates as types.IceCandidate[],
        dtlsParameters: options.dtlsParameters as types.DtlsParameters,
      });
      this.#transport = transport;
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        request(this.#socket, 'transport:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
      });
      transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        request(this.#socket, 'camera:produce', { transportId: transport.id, kind, rtpParameters })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
      transport.on('connectionstatechange', (state) => {
        if (stale() || transport.closed) return;
        if (state === 'failed') this.#onState({ status: 'error', detail: 'media connection failed (network or firewall)' });
        else if (state === 'disconnected') this.#onState({ status: 'reconnecting', detail: 'media connection interrupted' });
        else if (state === 'connected' && this.#producer && this.#cameraId)
          this.#onState({ status: 'live', cameraId: this.#cameraId, name: this.#name, producerId: this.#producer.id });
      });
      this.#onState({ status: 'connecting', detail: 'starting video' });
      const producer = await transport.produce({ track: this.#track, stopTracks: false, ...layeredVp8(device) });
      if (stale()) {
        producer.close();
        return;
      }
      this.#producer = producer;
      this.#unavailableFailures = 0;
      this.#onState({ status: 'live', cameraId: joined.cameraId, name: joined.name, producerId: producer.id });
    } catch (error) {
      if (stale()) return;
      this.#dropTransport();
      if (error instanceof SignallingError && error.code === 'unavailable') {
        // Passing: a media worker is being replaced (or the camera is disabled for now). Try again by itself.
        const delay = unavailableRetryDelay(this.#unavailableFailures++);
        this.#onState({ status: 'reconnecting', detail: `${error.message}; trying again in ${Math.ceil(delay / 1000)} s` });
        this.#retryTimer = setTimeout(() => {
          if (!this.#closed && this.#socket.connected) void this.#publish();
        }, delay);
        return;
      }
      this.#onState({ status: 'error', detail: describeError(error) });
    }
  }

  #dropTransport(): void {
    clearTimeout(this.#retryTimer);
    this.#attempt++;
    this.#producer?.close();
    this.#producer = null;
    this.#transport?.close();
    this.#transport = null;
  }
}
