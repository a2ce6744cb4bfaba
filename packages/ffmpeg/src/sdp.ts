/** One RTP video stream as a mediasoup consumer sends it (the shape of `Stream` in @maskwatch/protocol/inference). */
export type RtpStream = {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  ssrc: number;
  /** Codec parameters as in SDP fmtp (`packetization-mode`, `profile-level-id`...). */
  parameters: Record<string, string | number>;
};

/** The SRTP key mediasoup encrypts the stream with (a PlainTransport's `srtpParameters`). */
export type SrtpKey = { cryptoSuite: string; keyBase64: string };

/**
 * The SDP ffmpeg reads to receive one RTP stream (a mediasoup consumer on an SRTP PlainTransport aimed at ffmpeg):
 * the codec, payload type and fmtp, on `rtpPort` (RTCP on the next port), with the feedback ffmpeg may send (NACK,
 * PLI, FIR: ffmpeg sends its RTCP unencrypted, so mediasoup drops it; the owner asks for key frames itself). Used by
 * the inference node's decoders and the server's viewer transcoder.
 *
 * `a=crypto` (RFC 4568) has ffmpeg's RTP demuxer decrypt SRTP and drop every packet whose HMAC fails ("HMAC
 * mismatch" on stderr, which the node counts): RTP that anyone else sends to the port is never decoded. No
 * `a=source-filter`: ffmpeg 5.1 drops filtered packets without a word, so forgeries from another address would go
 * uncounted, and its filter does not keep a forged RTCP source from redirecting its receiver reports anyway.
 */
export function buildSdp(stream: RtpStream, host: string, rtpPort: number, srtp: SrtpKey): string {
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
