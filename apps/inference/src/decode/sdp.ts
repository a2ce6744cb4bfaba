import type { Stream } from '@maskwatch/protocol/inference';

/**
 * The SDP ffmpeg reads to receive one camera's RTP: the consumer's codec, payload type and fmtp, on `rtpPort` (RTCP
 * on the next port), with the feedback the server honours (NACK, PLI, FIR: ffmpeg asks for key frames itself).
 */
export function buildSdp(stream: Stream, host: string, rtpPort: number): string {
  const family = host.includes(':') ? 'IP6' : 'IP4';
  const codec = stream.mimeType.split('/')[1];
  const pt = stream.payloadType;
  const fmtp = Object.entries(stream.parameters)
    .map(([key, value]) => `${key}=${value}`)
    .join(';');
  const lines = [
    'v=0',
    `o=- 0 0 IN ${family} ${host}`,
    's=maskwatch',
    `c=IN ${family} ${host}`,
    't=0 0',
    `m=video ${rtpPort} RTP/AVPF ${pt}`,
    `a=rtpmap:${pt} ${codec}/${stream.clockRate}`,
    ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
    `a=rtcp-fb:${pt} nack`,
    `a=rtcp-fb:${pt} nack pli`,
    `a=rtcp-fb:${pt} ccm fir`,
    `a=ssrc:${stream.ssrc} cname:maskwatch`,
    'a=recvonly',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
