import type { DecoderAcceleration } from './hwaccel.ts';

/** The filter instance whose per-frame lines give each frame's size and timestamp. */
export const SHOWINFO = 'showinfo@frame';

/** Side of the placeholder a frame that is not analysed becomes (2x2 RGB: 12 bytes on the pipe). */
export const SKIPPED_SIDE = 2;

export type DecoderArgsOptions = {
  /** Longest side of the frames written out (smaller pictures are not scaled up). */
  maxSide: number;
  /** Frames per second to write out in full (the analysed rate); the others become 2x2 placeholders. */
  fps: number;
  /** NVDEC for H.264 where the node found a CUDA device; VP8 is decoded on the CPU either way. */
  acceleration?: DecoderAcceleration;
  /** The stream's codec (the decoder's acceleration depends on it). */
  codec?: string;
};

/**
 * The `scale` expressions (evaluated per frame) that keep `fps` frames a second of arrival time at up to `maxSide`,
 * and make every other frame a 2x2 placeholder. Each kept frame sets when the next is due (one interval later, or
 * one interval after this frame when it came more than an interval late): 6.25 fps in, 5 fps analysed gives 5
 * kept frames a second, not one in two. State lives in the expression's own variables (0 until set): 0 = the last
 * frame evaluated, 1 = whether it is kept, 2 = when the next is due; times are t + 1 so that a frame stamped 0 still
 * counts. `scale` evaluates `w` twice per frame (before and after `h`): the second time only reads the decision.
 */
export function keepExpressions(maxSide: number, fps: number): { w: string; h: string } {
  const interval = Number((1 / fps).toFixed(6));
  // A frame a few milliseconds early still counts (timestamps jitter).
  const early = 0.005;
  const factor = `min(1\\,${maxSide}/max(iw\\,ih))`;
  const next = `if(gt(t+1-ld(2)\\,${interval})\\,t+1+${interval}\\,ld(2)+${interval})`;
  const decide =
    `if(eq(t+1\\,ld(0))\\,0\\,st(0\\,t+1)+st(1\\,gte(t+1\\,ld(2)-${early}))+if(ld(1)\\,st(2\\,${next})\\,0))`;
  return {
    w: `${decide}*0+if(ld(1)\\,max(2\\,trunc(iw*${factor}/2)*2)\\,${SKIPPED_SIDE})`,
    h: `if(gt(ow\\,${SKIPPED_SIDE})\\,max(2\\,trunc(ih*${factor}/2)*2)\\,${SKIPPED_SIDE})`,
  };
}

/** The decoder's filter chain: keep the analysed rate's frames in full (RGB24), placeholders for the others. */
export function buildDecoderFilter({ maxSide, fps }: DecoderArgsOptions): string {
  const { w, h } = keepExpressions(maxSide, fps);
  return [`scale=eval=frame:w='${w}':h='${h}':flags=bilinear`, 'format=rgb24', `${SHOWINFO}=checksum=0`].join(',');
}

/**
 * ffmpeg for one camera: RTP described by an SDP on stdin, decoded with low delay (frames nothing references are
 * not decoded at all); every frame is stamped with the wall clock it arrived at (its capture time as the node
 * sees it) and written as packed RGB24 on stdout, a `showinfo` line on stderr giving its timestamp and size.
 *
 * Only the analysed rate's frames are scaled, converted and written in full; every other frame leaves as a 2x2
 * placeholder (12 bytes), so that the node counts every input frame.
 *
 * The `rawvideo` encoder runs with one thread: ffmpeg gives it frame threads by default (it is intra-only), and
 * each thread holds a frame back, so a frame left ffmpeg only when the next one (or two) reached the encoder:
 * +160 ms for one camera's VP8 layer 0 at 6.25 fps, +320 ms with 16 cameras (measured: the pixels came one input
 * frame after their `showinfo` line; with `-threads 1` on the output, within 5 ms).
 */
export function buildDecoderArgs(options: DecoderArgsOptions): string[] {
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
    // Frames no other frame references (a temporal layer's top, H.264 non-reference frames) are not decoded.
    '-skip_frame',
    'noref',
    // NVDEC decodes on the GPU; frames come back to memory for the filters (no -hwaccel_output_format).
    ...(options.acceleration === 'cuda' && /^video\/H26[45]$/i.test(options.codec ?? '') ? ['-hwaccel', 'cuda'] : []),
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
    buildDecoderFilter(options),
    '-filter_threads',
    '1',
    '-fps_mode',
    'passthrough',
    // The encoder's threads: one, so that it holds no frame back (see above).
    '-threads',
    '1',
    // Each frame leaves at once instead of waiting in the pipe's write buffer.
    '-flush_packets',
    '1',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}
