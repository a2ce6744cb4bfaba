import type { types } from 'mediasoup';

/** H.264 profile_idc (the first byte of profile-level-id) in the words camera data sheets use. */
const H264_PROFILES: Record<string, string> = {
  '42': 'Baseline',
  '4d': 'Main',
  '58': 'Extended',
  '64': 'High',
  '6e': 'High 10',
  '7a': 'High 4:2:2',
  f4: 'High 4:4:4',
};

/** A producer's video format for people: "H.264 High", "H.264 Constrained Baseline", "VP8". */
export function describeCodec(codec: Pick<types.RtpCodecParameters, 'mimeType' | 'parameters'> | undefined): string {
  if (!codec) return 'an unknown video format';
  const name = codec.mimeType.split('/')[1] ?? codec.mimeType;
  if (name.toLowerCase() !== 'h264') return name.toUpperCase();
  const id = codec.parameters?.['profile-level-id'];
  if (typeof id !== 'string' || id.length !== 6) return 'H.264';
  const idc = id.slice(0, 2).toLowerCase();
  // constraint_set1_flag on Baseline: Constrained Baseline (what browsers send).
  if (idc === '42' && (parseInt(id.slice(2, 4), 16) & 0x40) !== 0) return 'H.264 Constrained Baseline';
  const profile = H264_PROFILES[idc];
  return profile ? `H.264 ${profile}` : 'H.264';
}
