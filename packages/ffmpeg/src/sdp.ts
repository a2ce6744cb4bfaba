/** One RTP video stream as a mediasoup consumer sends it (the shape of `Stream` in @maskwatch/protocol/inference). */
export type RtpStream = {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  ssrc: number;
  /** Codec parameters as in SDP fmtp (`packetization-mode`, `profile-level-id`...). */
  parameters: Record<string, string | number>;
};

/**
 * The SDP ffmpeg reads to receive one RTP stream (a mediasoup consumer on a PlainTransport aimed at ffmpeg): the
 * codec, payload type and fmtp, on `rtpPort` (RTCP on the next port), with the feedback mediasoup honours (NACK, PLI,
 * FIR: ffmpeg asks for key frames itself). Used by the inference node's decoders and the server's viewer transcoder.
 */
export function buildSdp(stream: RtpStream, host: string, rtpPort: number): string {
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
