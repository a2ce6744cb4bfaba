/** The payload type of the transcoder's VP8 (fixed; the producer expects it). */
export const TRANSCODE_PAYLOAD_TYPE = 101;

export type TranscodeArgsOptions = {
  /** Where the VP8 goes: the comedia PlainTransport's RTP and RTCP ports on 127.0.0.1. */
  rtpPort: number;
  rtcpPort: number;
  ssrc: number;
  /** Longest picture width sent to viewers (smaller pictures are not scaled up). */
  maxWidth: number;
  /** Bits per second of the VP8 stream. */
  bitrate: number;
  /** A key frame at least this often (s): a viewer that joins waits at most this long for its first picture. */
  keyFrameInterval: number;
};

/**
 * ffmpeg for the viewers of one camera whose codec or profile a browser cannot receive (H.264 High from most IP
 * cameras): RTP described by an SDP on stdin, decoded with low delay, scaled to at most `maxWidth`, encoded to VP8
 * (every WebRTC browser receives it) in real time with no look-ahead, and sent as RTP to the server again.
 *
 * ffmpeg's RTP muxer does not act on key frame requests, so a key frame comes on a clock instead.
 */
export function buildTranscodeArgs(options: TranscodeArgsOptions): string[] {
  const kbps = `${Math.round(options.bitrate / 1000)}k`;
  return [
    '-hide_banner',
    '-loglevel',
    'info',
    '-nostats',
    '-protocol_whitelist',
    'pipe,udp,rtp',
    // As the inference node's decoder (apps/inference/src/decode/decoderArgs.ts): low delay, a short probe, packets
    // used in the order they come, a socket buffer that holds a key frame's burst.
    '-flags',
    'low_delay',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-reorder_queue_size',
    '0',
    '-buffer_size',
    String(4 * 1024 * 1024),
    // Receiver reports go back to the server's transport (where the RTP comes from), not to the SDP's own address.
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
    `scale=w='min(${options.maxWidth}\\,iw)':h=-2:flags=bilinear,format=yuv420p`,
    '-fps_mode',
    'passthrough',
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    // libvpx's fastest real-time setting, on one thread: a viewer's tile needs no more, and the transcoder runs for
    // as long as the camera is watched. On the 2-core machine, the 960x506 25 fps High-profile clip at 1.5 Mbit/s
    // (diazoniclabs_mask.mp4) took 28 % of a core at -cpu-used 8 with 2 threads (half a core beside the browsers and
    // the analysis), 11 % at 16 with 1 thread; PSNR 47 -> 43 dB.
    '-cpu-used',
    '16',
    '-lag-in-frames',
    '0',
    '-auto-alt-ref',
    '0',
    '-error-resilient',
    '1',
    '-b:v',
    kbps,
    '-maxrate',
    kbps,
    '-bufsize',
    kbps,
    '-qmin',
    '4',
    '-qmax',
    '50',
    '-threads',
    '1',
    '-force_key_frames',
    `expr:gte(t,n_forced*${options.keyFrameInterval})`,
    '-f',
    'rtp',
    '-payload_type',
    String(TRANSCODE_PAYLOAD_TYPE),
    '-ssrc',
    String(options.ssrc),
    `rtp://127.0.0.1:${options.rtpPort}?rtcpport=${options.rtcpPort}&pkt_size=1200`,
  ];
}
