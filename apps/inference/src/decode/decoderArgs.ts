/** The filter instances whose per-frame lines the decoder reads (named so their log lines are told apart). */
export const SHOWINFO_IN = 'showinfo@in';
export const SHOWINFO_OUT = 'showinfo@out';

export type DecoderArgsOptions = {
  /** Analysed frames per second. */
  fps: number;
  /** Longest side of the frames written out (smaller pictures are not scaled up). */
  maxSide: number;
};

/**
 * ffmpeg for one camera: RTP described by an SDP on stdin, decoded with low delay; every frame is stamped with the
 * wall clock it arrived at (its capture time as the node sees it); frames are sampled to `fps` before scaling
 * (`select` keeps each frame's own timestamp, where `fps=` would move it onto a grid); written as packed RGB24 on
 * stdout. `showinfo` lines on stderr count the input frames and give each output frame's timestamp and size.
 */
export function buildDecoderArgs(options: DecoderArgsOptions): string[] {
  const { fps, maxSide } = options;
  // Half a frame interval of slack at 30 fps input: 5 fps from a 25 fps camera takes every 5th frame, not every 6th.
  const interval = Math.max(0, 1 / fps - 1 / 60).toFixed(4);
  const filters = [
    `${SHOWINFO_IN}=checksum=0`,
    `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${interval})'`,
    `scale=w='min(${maxSide}\\,iw)':h='min(${maxSide}\\,ih)':force_original_aspect_ratio=decrease`,
    'format=rgb24',
    `${SHOWINFO_OUT}=checksum=0`,
  ];
  return [
    '-hide_banner',
    '-loglevel',
    'info',
    '-nostats',
    '-protocol_whitelist',
    'pipe,udp,rtp',
    // Not `-fflags nobuffer`: it drops the packets read while probing, the key frame among them. Not
    // `discardcorrupt` either: a source whose every frame conceals an error would never be analysed at all.
    '-flags',
    'low_delay',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-reorder_queue_size',
    '0',
    // A key frame arrives as a burst of packets: a small socket buffer drops some of them.
    '-buffer_size',
    String(4 * 1024 * 1024),
    // One decoding thread: frame threads would each hold a frame back (latency), and cameras run in parallel anyway.
    '-threads',
    '1',
    '-use_wallclock_as_timestamps',
    '1',
    '-copyts',
    // RTCP (receiver reports, NACK, PLI) goes back to where the server's RTCP comes from.
    '-sdp_flags',
    'rtcp_to_source',
    '-f',
    'sdp',
    '-i',
    'pipe:0',
    '-map',
    '0:v:0',
    '-an',
    '-vf',
    filters.join(','),
    '-filter_threads',
    '1',
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}
