import type { types } from 'mediasoup';
import type { PortRange } from '@maskwatch/ffmpeg/allocatePorts';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { CameraService, CameraVideo } from '../cameras/CameraService.ts';
import { createLogger } from '../logger.ts';
import type { MediaService } from '../media/MediaService.ts';
import type { Room } from '../media/Room.ts';
import { describeCodec } from './describeCodec.ts';
import { ViewerTranscoder, type TranscodeTiming } from './ViewerTranscoder.ts';

const log = createLogger('ViewerVideo');

export type ViewerVideoOptions = {
  cameras: CameraService;
  media: MediaService;
  ffmpegPath: string;
  /** `vp8`: a viewer that cannot receive a camera's codec or profile gets a VP8 copy; `off`: it is told why not. */
  transcode: 'vp8' | 'off';
  /** Loopback ports the transcoders' ffmpeg may bind for their input. */
  portRange: PortRange;
  /** A transcoder keeps running this long after its last viewer left (a page reload, a tile enlarged). */
  lingerMs?: number;
  /** How long a viewer's request waits for a new transcoder's first picture before it is told to try again. */
  readyTimeoutMs?: number;
  timing?: Partial<TranscodeTiming>;
};

/** What a viewer consumes for a camera: its own producer, or the transcoder's VP8; `group`: the room it lives in. */
export type ViewerSource = { producer: types.Producer; group: string; transcoded: boolean; format: string };

type Leg = {
  transcoder: ViewerTranscoder;
  /** Viewers' consumers of the transcoder's producers; the transcoder runs while there is one. */
  viewers: Set<types.Consumer>;
  /** Requests waiting for its first picture; the transcoder runs while there is one too. */
  waiting: number;
  linger: NodeJS.Timeout | undefined;
  offSource: () => void;
};

/**
 * Decides what each viewer consumes, camera by camera: the camera's own producer when the viewer's browser can
 * receive it, else a VP8 copy from a ViewerTranscoder, started when the first such viewer asks and stopped
 * `lingerMs` after the last one leaves (one transcoder per camera, whatever the number of viewers). The camera's
 * producer, and so the analysis, never changes. Owns the transcoders.
 */
export class ViewerVideo {
  readonly #options: ViewerVideoOptions;
  readonly #legs = new Map<string, Leg>();
  readonly #takenPorts = new Set<number>();
  #closed = false;

  constructor(options: ViewerVideoOptions) {
    this.#options = options;
  }

  /** Cameras being transcoded for viewers now. */
  get transcoding(): string[] {
    return [...this.#legs.keys()];
  }

  transcoderOf(cameraId: string): ViewerTranscoder | undefined {
    return this.#legs.get(cameraId)?.transcoder;
  }

  /**
   * The producer a viewer with `rtpCapabilities` in `room` should consume for `cameraId`. Errors are sentences for
   * operators: `unavailable` (no video now, or the copy is not ready yet: ask again) or `bad_request` (this browser
   * can play nothing the server can send).
   */
  async sourceFor(cameraId: string, room: Room, rtpCapabilities: types.RtpCapabilities): Promise<ViewerSource> {
    if (this.#closed) throw new MaskwatchError('unavailable', 'the server is shutting down');
    const video = this.#options.cameras.videoOf(cameraId);
    if (!video) throw new MaskwatchError('unavailable', 'this camera has no video right now');
    const { producer: original, group } = video;
    const format = describeCodec(original.rtpParameters.codecs[0]);
    if (room.router.canConsume({ producerId: original.id, rtpCapabilities }))
      return { producer: original, group, transcoded: false, format };
    if (this.#options.transcode === 'off') {
      throw new MaskwatchError(
        'unavailable',
        `This browser cannot play this camera's video (${format}), and converting video for such browsers is turned off on the server.`,
      );
    }
    const leg = await this.#legFor(cameraId, video);
    leg.waiting++;
    let producer: types.Producer;
    try {
      producer = await this.#ready(leg, format);
    } finally {
      leg.waiting--;
      // The viewer consumes it next (and `watch` keeps it); a viewer that gave up leaves it to stop.
      if (leg.viewers.size === 0) this.#scheduleStop(cameraId, leg);
    }
    if (!room.router.canConsume({ producerId: producer.id, rtpCapabilities }))
      throw new MaskwatchError('bad_request', `This browser can play neither this camera's video (${format}) nor VP8.`);
    // The transcoder produces in its source's room.
    return { producer, group, transcoded: true, format };
  }

  /** A viewer consumes a transcoded producer: its camera's transcoder runs at least until this consumer closes. */
  watch(cameraId: string, consumer: types.Consumer): void {
    const leg = this.#legs.get(cameraId);
    if (!leg || consumer.closed) return;
    leg.viewers.add(consumer);
    clearTimeout(leg.linger);
    leg.linger = undefined;
    consumer.observer.once('close', () => {
      leg.viewers.delete(consumer);
      if (leg.viewers.size === 0) this.#scheduleStop(cameraId, leg);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cameraId of [...this.#legs.keys()]) this.#stop(cameraId, 'server closing');
  }

  async #legFor(cameraId: string, video: CameraVideo): Promise<Leg> {
    const { producer: source, group } = video;
    const current = this.#legs.get(cameraId);
    if (current && current.transcoder.sourceId === source.id && !current.transcoder.closed) return current;
    if (current) this.#stop(cameraId, 'the camera has a new video producer');
    const room = await this.#options.media.getRoom(group);
    // Another request made one while we waited for the room.
    const raced = this.#legs.get(cameraId);
    if (raced && raced.transcoder.sourceId === source.id) return raced;
    if (this.#closed || source.closed) throw new MaskwatchError('unavailable', 'this camera has no video right now');
    const transcoder = new ViewerTranscoder({
      cameraId,
      room,
      source,
      ffmpegPath: this.#options.ffmpegPath,
      portRange: this.#options.portRange,
      takenPorts: this.#takenPorts,
      ...(this.#options.timing ? { timing: this.#options.timing } : {}),
    });
    const onSourceClose = (): void => {
      if (this.#legs.get(cameraId)?.transcoder === transcoder) this.#stop(cameraId, 'the camera stopped sending video');
    };
    source.observer.once('close', onSourceClose);
    const leg: Leg = {
      transcoder,
      viewers: new Set(),
      waiting: 0,
      linger: undefined,
      offSource: () => source.observer.off('close', onSourceClose),
    };
    this.#legs.set(cameraId, leg);
    log.info({ cameraId, format: describeCodec(source.rtpParameters.codecs[0]) }, 'a viewer cannot receive this camera: transcoding to VP8');
    transcoder.start();
    return leg;
  }

  #ready(leg: Leg, format: string): Promise<types.Producer> {
    const ready = leg.transcoder.producer;
    if (ready) return Promise.resolve(ready);
    const timeoutMs = this.#options.readyTimeoutMs ?? 12_000;
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        leg.transcoder.off('live', onLive);
      };
      const onLive = (producer: types.Producer): void => {
        done();
        resolve(producer);
      };
      const timer = setTimeout(() => {
        done();
        const why = leg.transcoder.closed ? 'the camera stopped sending video' : leg.transcoder.lastFailure;
        reject(
          new MaskwatchError(
            'unavailable',
            `Converting this camera's video (${format}) for this browser is taking longer than ${Math.round(timeoutMs / 1000)} s${why ? ` (${why})` : ''}; trying again.`,
          ),
        );
      }, timeoutMs);
      leg.transcoder.on('live', onLive);
    });
  }

  #scheduleStop(cameraId: string, leg: Leg): void {
    clearTimeout(leg.linger);
    leg.linger = setTimeout(() => {
      if (this.#legs.get(cameraId) === leg && leg.viewers.size === 0 && leg.waiting === 0) this.#stop(cameraId, 'nobody watches');
    }, this.#options.lingerMs ?? 20_000);
    leg.linger.unref();
  }

  #stop(cameraId: string, reason: string): void {
    const leg = this.#legs.get(cameraId);
    if (!leg) return;
    this.#legs.delete(cameraId);
    clearTimeout(leg.linger);
    leg.offSource();
    leg.transcoder.close();
    log.info({ cameraId, reason }, 'transcoding for viewers stopped');
  }
}
