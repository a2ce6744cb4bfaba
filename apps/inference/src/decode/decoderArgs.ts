/** The filter instance whose per-frame lines give each frame's size and timestamp. */
export const SHOWINFO = 'showinfo@frame';

export type DecoderArgsOptions = {
  /** Longest side of the frames written out (smaller pictures are not scaled up). */
  maxSide: number;
};

/**
 * ffmpeg for one camera: RTP described by an SDP on stdin, decoded with low delay; every frame is stamped with the
 * wall clock it arrived at (its capture time as the node sees it), scaled and written as packed RGB24 on stdout;
 * a `showinfo` line on stderr gives each frame's timestamp and size.
 *
 * Every decoded frame comes out; the node keeps the analysed rate's share of them (FrameReader). Sampling inside
 * ffmpeg (`select`, `framestep`, `fps`) was measured first: in ffmpeg 5.1 a filter that drops frames makes the CLI
 * hold each kept frame until the next kept one arrives (+200 ms at 5 fps), more than scaling every frame costs.
 */
export function buildDecoderArgs(options: DecoderArgsOptions): string[] {
  const { maxSide } = options;
  const filters = [
    `scale=w='min(${maxSide}\\,iw)':h='min(${maxSide}\\,ih)':force_original_aspect_ratio=decrease:flags=bilinear`,
    'format=rgb24',
    `${SHOWINFO}=checksum=0`,
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
    // Packets are used in the order they come: waiting to reorder would stall the picture for a lost packet.
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
    // Each frame leaves at once instead of waiting in the pipe's write buffer.
    '-flush_packets',
    '1',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}
