import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { ANALYSIS_SRTP_SUITE } from '@maskwatch/protocol/inference';
import { test } from 'node:test';
import { CameraDecoder } from './CameraDecoder.ts';
import { allocatePorts } from '@maskwatch/ffmpeg/allocatePorts';
import { tableHasPort, udpPortBound, waitUntilListening } from './udpListening.ts';

test("the kernel's UDP table tells a bound port (IPv4 and IPv6 rows)", async () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
    ' 1337: 0100007F:EE48 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 123 2 0000000000000000 0',
  ].join('\n');
  assert.equal(tableHasPort(table, 0xee48), true);
  assert.equal(tableHasPort(table, 0xee4a), false);
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    assert.equal(await udpPortBound(socket.address().port), true);
    assert.equal(await waitUntilListening(socket.address().port, { timeoutMs: 100 }), true);
  } finally {
    socket.close();
  }
  assert.equal(await udpPortBound(1, ['/nonexistent/udp']), undefined, 'no tables: unknown');
});

test("a decoder's listening() settles only once its ffmpeg has bound the RTP port (what the node waits for before answering)", async () => {
  const rtpPort = await allocatePorts('127.0.0.1', { min: 61900, max: 61979 }, new Set());
  const decoder = new CameraDecoder({
    cameraId: 'cam_000000000001',
    stream: { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, ssrc: 1, parameters: {} },
    host: '127.0.0.1',
    rtpPort,
    srtp: { cryptoSuite: ANALYSIS_SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') },
    fps: 5,
    maxSide: 640,
    ffmpegPath: 'ffmpeg',
  });
  try {
    assert.equal(await udpPortBound(rtpPort), false, 'nothing listens before the decoder starts');
    decoder.start();
    assert.equal(await decoder.listening(), true);
    assert.equal(await udpPortBound(rtpPort), true, 'ffmpeg holds the port');
  } finally {
    decoder.close();
  }
});
