/**
 * Publishes one camera track to the SFU: `camera:join` -> `transport:create` (send) -> `transport:connect` ->
 * `camera:produce`. Owns its socket, transport and producer; the page owns the MediaStream and hands the track in.
 * Made when the page loads, it connects and loads its media device (`camera:prepare`) before the tap on "Start
 * camera", which then has only the join and the transport left to do; until `start()` it takes no camera and says
 * nothing. Reconnects by itself when the socket drops (the server forgets a publisher whose socket went away) and
 * when the server says its media worker restarted; stops for good when another connection takes the camera name
 * over or the camera is removed (publishing again would take it back, or create it again).
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


/**
 * VP8 with three temporal layers (`L1T3`: a quarter, half and all of the frames), where the browser can send VP8:
 * viewers get every frame, the analysis takes only the layer it needs (5 fps analysed from a 30 fps camera needs
 * the quarter), so its decoder decodes a quarter of the frames. The server checks that the producer reports them.
 */
function layeredVp8(device: Device): Pick<types.ProducerOptions, 'codec' | 'encodings'> {
  const vp8 = device.rtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8');
  return vp8 ? { codec: vp8, encodings: [{ scalabilityMode: 'L1T3' }] } : {};
}

/**
 * Marks each step of a publish on the page's performance timeline (`publish:*`), so the time from the tap to the
 * camera going live can be read where it goes (the first-result bench prints them).
 */
export function markPublishStep(step: string): void {
  performance.mark(`publish:${step}`);
}

export class Publisher {
  /** The camera to join by name (an admin, or open enrolment); undefined: the publish token's camera. */
  #joinName: string | undefined;
  #name: string;
  #onState: (state: PublisherState) => void = () => undefined;
  readonly #socket: SignallingSocket;
  #track: MediaStreamTrack | null = null;
  /** The media device, loaded with the router's capabilities (the JSON it was loaded with beside it)... */
  #prepared: { device: Device; capabilities: string } | null = null;
  /** ...while it loads (forgotten when the connection drops: its answer may never come). */
  #preparing: Promise<void> | null = null;
  #transport: types.Transport | null = null;
  #producer: types.Producer | null = null;
  #cameraId: string | null = null;
  #started = false;
  #closed = false;
  #attempt = 0;
  #unavailableFailures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Connects (as the publish link's camera with `token`, else by the session or open enrolment) and prepares. */
  constructor(token: string | undefined) {
    this.#name = 'this camera';
    this.#socket = connectSignalling('camera', token);
    this.#socket.on('connect', () => {
      markPublishStep('connected');
      if (this.#started) void this.#publish();
      else this.#prepare();
    });
    this.#socket.on('disconnect', (reason) => {
      this.#preparing = null;
      this.#dropTransport();
      if (!this.#closed) this.#say({ status: 'reconnecting', detail: `connection lost (${reason})` });
      // A disconnect the server chose is not retried by socket.io itself.
      if (reason === 'io server disconnect' && !this.#closed) this.#socket.connect();
    });
    this.#socket.on('connect_error', (error) => {
      if (this.#closed) return;
      const code = handshakeCode(error);
      // Refused, not unreachable: trying again would not help.
      if (code === 'unauthorized' || code === 'forbidden') this.#stop('refused', error.message);
      else this.#say({ status: 'reconnecting', detail: `cannot reach the server: ${error.message}` });
    });
    onPush(this.#socket, 'server:error', (error) => this.#onServerError(error));
  }

  /**
   * Whether `start()` may still be called: not started, and not ended by the server before the tap (a refused or
   * revoked link: a fresh publisher then asks again, and reports the refusal).
   */
  get startable(): boolean {
    return !this.#started && !this.#closed;
  }

  /** Publishes `track` (as the camera `name`, or the publish link's camera), reporting its states from now on. */
  start(track: MediaStreamTrack, name: string | undefined, onState: (state: PublisherState) => void): void {
    if (!this.startable) throw new Error('this publisher has started or ended; make a new one');
    this.#started = true;
    this.#track = track;
    this.#joinName = name;
    if (name !== undefined) this.#name = name;
    this.#onState = onState;
    this.#say({ status: 'connecting', detail: 'connecting to the server' });
    if (this.#socket.connected) void this.#publish();
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
    if (!this.#started || this.#closed) return;
    this.#dropTransport();
    if (this.#socket.connected) void this.#publish();
    else this.#socket.connect();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dropTransport();
    this.#socket.close();
    this.#say({ status: 'closed' });
  }

  #onServerError(error: ServerEventPayload<'server:error'>): void {
    if (this.#closed || error.event !== 'camera:join') return;
    switch (error.code) {
      case 'unavailable':
        // The media worker restarted: the server dropped our transport and producer; join and produce again.
        this.#dropTransport();
        this.#say({ status: 'reconnecting', detail: 'media server restarted; publishing again' });
        if (this.#started && this.#socket.connected) void this.#publish();
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
    this.#say({ status: 'stopped', reason, detail });
  }

  /** Reports a state to the page once it has started (before the tap the page shows none). */
  #say(state: PublisherState): void {
    if (this.#started) this.#onState(state);
  }

  /** Loads the media device with the router's capabilities before the tap; a join then finds it ready. */
  #prepare(): void {
    if (this.#prepared || this.#preparing) return;
    const preparing = (async () => {
      const { routerRtpCapabilities } = await request(this.#socket, 'camera:prepare', {});
      const device = new Device();
      await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
      markPublishStep('device');
      this.#prepared = { device, capabilities: JSON.stringify(routerRtpCapabilities) };
    })()
      // Not prepared: the join loads its own device.
      .catch(() => undefined)
      .finally(() => {
        if (this.#preparing === preparing) this.#preparing = null;
      });
    this.#preparing = preparing;
  }

  /** The prepared device, if it was loaded with these capabilities (the same router's); else a new one. */
  async #deviceFor(routerRtpCapabilities: types.RtpCapabilities): Promise<Device> {
    await this.#preparing;
    const capabilities = JSON.stringify(routerRtpCapabilities);
    if (this.#prepared?.capabilities === capabilities) return this.#prepared.device;
    const device = new Device();
    await device.load({ routerRtpCapabilities });
    this.#prepared = { device, capabilities };
    return device;
  }

  async #publish(): Promise<void> {
    const track = this.#track;
    if (!track) return;
    clearTimeout(this.#retryTimer);
    const attempt = ++this.#attempt;
    const stale = (): boolean => this.#closed || attempt !== this.#attempt;
    try {
      this.#onState({ status: 'connecting', detail: 'joining' });
      const joined = await request(this.#socket, 'camera:join', this.#joinName !== undefined ? { name: this.#joinName } : {});
      if (stale()) return;
      markPublishStep('joined');
      this.#cameraId = joined.cameraId;
      this.#name = joined.name;
      const device = await this.#deviceFor(joined.routerRtpCapabilities as types.RtpCapabilities);
      if (stale()) return;
      if (!device.canProduce('video')) throw new Error('this browser cannot send video to the server (no common codec)');
      this.#onState({ status: 'connecting', detail: 'opening media transport' });
      const options = await request(this.#socket, 'transport:create', { direction: 'send' });
      if (stale()) return;
      markPublishStep('transport');
      const transport = device.createSendTransport({
        id: options.id,
        iceParameters: options.iceParameters as types.IceParameters,
        iceCandidates: options.iceCandidates as types.IceCandidate[],
        dtlsParameters: options.dtlsParameters as types.DtlsParameters,
      });
      this.#transport = transport;
      transport.on('connect', ({ dtlsParameters }, callback, errback) => {
        markPublishStep('dtls');
        request(this.#socket, 'transport:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
      });
      transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        markPublishStep('produce');
        request(this.#socket, 'camera:produce', { transportId: transport.id, kind, rtpParameters })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
      transport.on('connectionstatechange', (state) => {
        if (stale() || transport.closed) return;
        markPublishStep(`media-${state}`);
        if (state === 'failed') this.#onState({ status: 'error', detail: 'media connection failed (network or firewall)' });
        else if (state === 'disconnected') this.#onState({ status: 'reconnecting', detail: 'media connection interrupted' });
        else if (state === 'connected' && this.#producer && this.#cameraId)
          this.#onState({ status: 'live', cameraId: this.#cameraId, name: this.#name, producerId: this.#producer.id });
      });
      this.#onState({ status: 'connecting', detail: 'starting video' });
      const producer = await transport.produce({ track, stopTracks: false, ...layeredVp8(device) });
      if (stale()) {
        producer.close();
        return;
      }
      markPublishStep('live');
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
