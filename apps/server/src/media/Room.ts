import type { types } from 'mediasoup';
import { ANALYSIS_SRTP_SUITE } from '@maskwatch/protocol/inference';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';
import { MEDIA_CODECS } from './mediaCodecs.ts';

export type RoomEvents = { close: [] };

export type RoomOptions = {
  group: string;
  worker: types.Worker;
  announcedIps: string[];
  rtcMinPort: number;
  rtcMaxPort: number;
};

/**
 * A camera group: one Router on one worker. Creates the transports of its peers and ingests. Closes (and emits
 * `close`) when its worker dies; the owner (MediaService) then makes a new one on a live worker.
 */
export class Room extends EnhancedEmitter<RoomEvents> {
  readonly group: string;
  readonly router: types.Router;
  readonly #options: RoomOptions;
  readonly #log;
  #closed = false;

  private constructor(options: RoomOptions, router: types.Router) {
    super();
    this.group = options.group;
    this.router = router;
    this.#options = options;
    this.#log = createLogger('Room', { group: options.group, routerId: router.id, workerPid: options.worker.pid });
    router.on('workerclose', () => {
      this.#log.warn('worker closed under the router');
      this.close();
    });
    router.observer.once('close', () => this.close());
  }

  static async create(options: RoomOptions): Promise<Room> {
    const router = await options.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    return new Room(options, router);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  /** UDP and TCP on every announced address; the LAN one listens on all interfaces. */
  async createWebRtcTransport(appData: types.AppData = {}): Promise<types.WebRtcTransport> {
    const portRange = { min: this.#options.rtcMinPort, max: this.#options.rtcMaxPort };
    const listenInfos: types.TransportListenInfo[] = [];
    for (const protocol of ['udp', 'tcp'] as const) {
      for (const address of this.#options.announcedIps) {
        const loopback = address.startsWith('127.');
        listenInfos.push(
          loopback
            ? { protocol, ip: address, portRange }
            : { protocol, ip: '0.0.0.0', announcedAddress: address, portRange },
        );
      }
    }
    return this.router.createWebRtcTransport({
      listenInfos,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData,
    });
  }

  /**
   * A loopback RTP endpoint for ffmpeg: comedia (the transport learns ffmpeg's address from its first packet).
   * RTCP gets its own port: ffmpeg sends RTP and RTCP from two different local ports, and with rtcp-mux the
   * first packet (often an RTCP SR) would lock the tuple to the RTCP port and every RTP packet would be dropped.
   */
  async createPlainTransport(appData: types.AppData = {}): Promise<types.PlainTransport> {
    const portRange = { min: this.#options.rtcMinPort, max: this.#options.rtcMaxPort };
    return this.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange },
      rtcpListenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange },
      rtcpMux: false,
      comedia: true,
      appData,
    });
  }

  /**
   * An SRTP endpoint towards an inference node: the node's address is given with `connect()` (no comedia: packets
   * from any other address are dropped), RTCP on its own port. `srtpParameters` is the key the node decrypts with.
   */
  async createAnalysisTransport(listenIp: string, appData: types.AppData = {}): Promise<types.PlainTransport> {
    const portRange = { min: this.#options.rtcMinPort, max: this.#options.rtcMaxPort };
    return this.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: listenIp, portRange },
      rtcpListenInfo: { protocol: 'udp', ip: listenIp, portRange },
      rtcpMux: false,
      comedia: false,
      enableSrtp: true,
      srtpCryptoSuite: ANALYSIS_SRTP_SUITE,
      appData,
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.router.closed) this.router.close();
    this.safeEmit('close');
  }
}
