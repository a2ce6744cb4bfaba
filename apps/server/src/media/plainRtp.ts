import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { RtpStream } from '@maskwatch/ffmpeg/sdp';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { ANALYSIS_SRTP_SUITE, SrtpParametersSchema, type SrtpParameters } from '@maskwatch/protocol/inference';

/** Codecs an ffmpeg at the other end of a PlainTransport consumer decodes. */
const PLAIN_MIME_TYPES = new Set(['video/vp8', 'video/h264']);
/** What ffmpeg answers with on a consumer's stream: NACKs, and PLI/FIR for key frames. */
const FEEDBACK: types.RtcpFeedback[] = [
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
];

/**
 * The capabilities a consumer towards ffmpeg (an inference node's decoder, the viewer transcoder) is created with:
 * the router's VP8 and H.264 (every profile the router has), no RTX, no header extensions.
 */
export function plainRtpCapabilities(router: types.Router): types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((codec) => codec.kind === 'video' && PLAIN_MIME_TYPES.has(codec.mimeType.toLowerCase()))
      .map((codec) => ({ ...codec, rtcpFeedback: FEEDBACK })),
    headerExtensions: [],
  };
}

/** What ffmpeg must know to receive a plain consumer's stream (its SDP: codec, payload type, fmtp, SSRC). */
export function streamOf(consumer: types.Consumer): RtpStream & { mimeType: 'video/VP8' | 'video/H264' } {
  const codec = consumer.rtpParameters.codecs[0];
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (!codec || ssrc === undefined) throw new MaskwatchError('internal', 'plain consumer has no codec or SSRC');
  const mimeType = codec.mimeType.toLowerCase() === 'video/vp8' ? 'video/VP8' : 'video/H264';
  const parameters: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(codec.parameters ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') parameters[key] = value;
  }
  return { mimeType, payloadType: codec.payloadType, clockRate: codec.clockRate, ssrc, parameters };
}

/** An SRTP PlainTransport's own key (what it encrypts the consumer's RTP with), checked against the contract. */
export function srtpOf(transport: types.PlainTransport): SrtpParameters {
  const parsed = SrtpParametersSchema.safeParse(transport.srtpParameters);
  if (!parsed.success) throw new MaskwatchError('internal', 'plain transport has no usable SRTP key');
  return parsed.data;
}

/**
 * The key to `connect()` an SRTP PlainTransport aimed at ffmpeg with: what ffmpeg would encrypt its RTCP with. ffmpeg
 * encrypts none, so any fresh key will do (its RTCP is dropped; key frames are asked for by the owner).
 */
export function peerSrtpForFfmpeg(): SrtpParameters {
  return { cryptoSuite: ANALYSIS_SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') };
}
