/** How an RTSP source reaches mediasoup: H.264 copied as it is, or decoded and encoded again. */
export type IngestMode = 'copy' | 'transcode';

/** The payload type our PlainTransport producer expects from ffmpeg (any dynamic value works; it is fixed). */
export const INGEST_PAYLOAD_TYPE = 102;

/** profile-level-id for ffmpeg's profile names; level 3.1 (mediasoup matches the profile only). */
const PROFILES: Record<string, string> = {
  'constrained baseline': '42e01f',
  baseline: '42001f',
  main: '4d001f',
  high: '64001f',
};
/** What the transcoder produces (libx264 baseline = Constrained Baseline: every browser decodes it). */
export const TRANSCODE_PROFILE_LEVEL_ID = '42e01f';

export type InputStream = { codec: string; profile: string | undefined };

/** Parses ffmpeg's `Stream #0:0: Video: h264 (High), yuv420p, ...` (the input section's first video stream). */
export function parseInputStream(line: string): InputStream | undefined {
  const match = /Stream #0:\d+.*?: Video: (\w+)(?: \(([^)]+)\))?/.exec(line);
  if (!match?.[1]) return undefined;
  return { codec: match[1], profile: match[2] };
}

/** profile-level-id for a copied H.264 stream, or undefined when the profile is one browsers may not decode. */
export function profileLevelIdFor(profile: string | undefined): string | undefined {
  if (!profile) return PROFILES.high;
  return PROFILES[profile.toLowerCase()];
}

export function buildFfmpegArgs(options: {
  url: string;
  mode: IngestMode;
  rtpPort: number;
  rtcpPort: number;
  ssrc: number;
}): string[] {
  const input = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    '-rtsp_transport',
    'tcp',
    // Socket I/O timeout (µs): a source that goes silent ends ffmpeg instead of hanging it.
    '-timeout',
    '5000000',
    '-i',
    options.url,
    '-map',
    '0:v:0',
    '-an',
  ];
  const codec =
    options.mode === 'copy'
      ? // SPS/PPS before every key frame: a source that sends them once (or only in its SDP) would leave every
        // consumer that joins later (a viewer, an inference node) unable to decode.
        ['-c:v', 'copy', '-bsf:v', 'h264_mp4toannexb,dump_extra=freq=keyframe']
      : [
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          '-tune',
          'zerolatency',
          '-profile:v',
          'baseline',
          '-level:v',
          '3.1',
          '-pix_fmt',
          'yuv420p',
          '-g',
          '50',
          '-bf',
          '0',
          '-maxrate',
          '2500k',
          '-bufsize',
          '2500k',
        ];
  const output = [
    '-f',
    'rtp',
    '-payload_type',
    String(INGEST_PAYLOAD_TYPE),
    '-ssrc',
    String(options.ssrc),
    `rtp://127.0.0.1:${options.rtpPort}?rtcpport=${options.rtcpPort}&pkt_size=1200`,
  ];
  return [...input, ...codec, ...output];
}

/** The line of ffmpeg's stderr worth showing a person: the last error-looking one, if any. */
export function pickErrorLine(lines: readonly string[]): string | undefined {
  const interesting =
    /error|refused|failed|timed out|timeout|not found|invalid|unauthori[sz]ed|denied|no route|unreachable|\b40[134]\b|end of file|could not|unable/i;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line && !line.startsWith('Stream #') && interesting.test(line)) return line;
  }
  return undefined;
}
