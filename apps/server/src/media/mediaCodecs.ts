import type { types } from 'mediasoup';

/**
 * The router's codecs. H.264 appears once per profile because mediasoup matches a producer's profile exactly:
 * RTSP cameras are passed through as they are (Baseline, Main or High), browsers send Constrained Baseline.
 */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  ...['42e01f', '42001f', '4d001f', '64001f'].map((profileLevelId): types.RouterRtpCodecCapability => ({
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': profileLevelId, 'level-asymmetry-allowed': 1 },
  })),
];
