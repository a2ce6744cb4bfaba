import type { types } from 'mediasoup';

/** The RTP parameters of a plain H.264 (baseline) video producer fed by ffmpeg or a test: one codec, one SSRC. */
export function h264RtpParameters(ssrc: number, payloadType = 102): types.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/H264',
        payloadType,
        clockRate: 90000,
        parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
      },
    ],
    encodings: [{ ssrc }],
  };
}
