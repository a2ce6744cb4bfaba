import type { SrtpParameters, Stream } from '@maskwatch/protocol/inference';

/**
 * The SDP ffmpeg reads to receive one camera's RTP: the consumer's codec, payload type and fmtp, on `rtpPort` (RTCP
 * on the next port), with the feedback ffmpeg may send (NACK, PLI, FIR: ffmpeg sends its RTCP unencrypted, so the
 * server drops it; the node asks for key frames over the link).
 *
 * `a=crypto` (RFC 4568) has ffmpeg's RTP demuxer decrypt SRTP and drop every packet whose HMAC fails ("HMAC
 * mismatch" on stderr, which the node counts): RTP that anyone else sends to the port is never decoded. No
 * `a=source-filter`: ffmpeg 5.1 drops filtered packets without a word, so forgeries from another address would go
 * uncounted, and its filter does not keep a forged RTCP source from redirecting its receiver reports anyway.
 */
export function buildSdp(stream: Stream, host: string, rtpPort: number, srtp: SrtpParameters): string {
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
    `m=video ${rtpPort} RTP/SAVPF ${pt}`,
    `a=rtpmap:${pt} ${codec}/${stream.clockRate}`,
    ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
    `a=rtcp-fb:${pt} nack`,
    `a=rtcp-fb:${pt} nack pli`,
    `a=rtcp-fb:${pt} ccm fir`,
    `a=crypto:1 ${srtp.cryptoSuite} inline:${srtp.keyBase64}`,
    `a=ssrc:${stream.ssrc} cname:maskwatch`,
    'a=recvonly',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
