import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ANALYSIS_SRTP_SUITE, type SrtpParameters, type Stream } from '@maskwatch/protocol/inference';
import { allocatePorts } from '@maskwatch/ffmpeg/allocatePorts';
import { SpareSpawner } from '@maskwatch/ffmpeg/SpareSpawner';
import { CameraDecoder, decoderCommandLine } from './CameraDecoder.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const VIDEOS = join(process.env.MASKWATCH_SHARED ?? resolve(REPO_ROOT, '../shared'), 'videos');
const STREAM: Stream = { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ssrc: 424242, parameters: {} };

const newKey = (): SrtpParameters => ({
  cryptoSuite: ANALYSIS_SRTP_SUITE,
  keyBase64: randomBytes(30).toString('base64'),
});

/** A real decoder of STREAM on `rtpPort` that accepts SRTP under `key` (started by the test). */
const decoderOn = (cameraId: string, rtpPort: number, key: SrtpParameters): CameraDecoder =>
  new CameraDecoder({ cameraId, stream: STREAM, host: '127.0.0.1', rtpPort, srtp: key, fps: 25, maxSide: 640, ffmpegPath: 'ffmpeg' });

/**
 * ffmpeg sending `clip` scaled to `size` as VP8 RTP with the stream's payload type and SSRC: SRTP when `srtp`; at
 * most `seconds` of it, or `frames` frames at `fps`; a key frame every `keyEvery` frames.
 */
function send(
  clip: string,
  size: string,
  port: number,
  srtp: SrtpParameters | undefined,
  seconds: number,
  { fps, frames, keyEvery = 10 }: { fps?: number; frames?: number; keyEvery?: number } = {},
): ChildProcess {
  const out = srtp
    ? ['-srtp_out_suite', srtp.cryptoSuite, '-srtp_out_params', srtp.keyBase64, `srtp://127.0.0.1:${port}`]
    : [`rtp://127.0.0.1:${port}`];
  return spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-t', String(seconds), '-i', join(VIDEOS, clip)],
      ...['-an', '-vf', `scale=${size}${fps ? `,fps=${fps}` : ''}`, ...(frames ? ['-frames:v', String(frames)] : [])],
      ...['-c:v', 'libvpx', '-deadline', 'realtime', '-g', String(keyEvery), '-b:v', '400k'],
      ...['-f', 'rtp', '-payload_type', String(STREAM.payloadType), '-ssrc', String(STREAM.ssrc), ...out],
    ],
    { stdio: 'ignore' },
  );
}

const ended = (child: ChildProcess) => new Promise<void>((done) => child.once('close', () => done()));

test(
  'the decoder analyses only SRTP sent with its key: forged RTP on its port is dropped and counted',
  { timeout: 60_000 },
  async () => {
    assert.ok(existsSync(join(VIDEOS, 'Gituatu_mask.mp4')), `clips not found in ${VIDEOS}`);
    const key = newKey();
    const rtpPort = await allocatePorts('127.0.0.1', { min: 61000, max: 61999 }, new Set());
    const decoder = decoderOn('cam_forged', rtpPort, key);
    const sizes = new Map<string, number>();
    let rejected = 0;
    decoder.on('frame', (frame) => {
      const size = `${frame.width}x${frame.height}`;
      sizes.set(size, (sizes.get(size) ?? 0) + 1);
    });
    decoder.on('rejected', (packets) => (rejected += packets));
    const senders: ChildProcess[] = [];
    try {
      decoder.start();
      await new Promise((r) => setTimeout(r, 500));
      // The camera, encrypted with the key, for 6 s; meanwhile forgeries of another picture at another size: plain
      // RTP with the right payload type and SSRC, and SRTP with a key of the attacker's own.
      senders.push(send('Gituatu_mask.mp4', '320:180', rtpPort, key, 6));
      await new Promise((r) => setTimeout(r, 1500));
      senders.push(send('Gituatu_nomask.mp4', '160:96', rtpPort, undefined, 3));
      senders.push(send('Gituatu_nomask.mp4', '176:144', rtpPort, newKey(), 3));
      await Promise.all(senders.map(ended));
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      for (const sender of senders) sender.kill('SIGKILL');
      decoder.close();
    }
    assert.deepEqual([...sizes.keys()], ['320x180'], `decoded sizes ${JSON.stringify([...sizes])}`);
    assert.ok((sizes.get('320x180') ?? 0) >= 50, `only ${sizes.get('320x180')} frames of the camera`);
    // Two forgers at about 25 frames/s, several packets each, for 3 s.
    assert.ok(rejected >= 100, `only ${rejected} forged packets counted`);
  },
);

test('nothing is counted as forged while only the server sends', { timeout: 30_000 }, async () => {
  const key = newKey();
  const rtpPort = await allocatePorts('127.0.0.1', { min: 61000, max: 61999 }, new Set());
  const decoder = decoderOn('cam_clean', rtpPort, key);
  let frames = 0;
  let rejected = 0;
  decoder.on('frame', () => frames++);
  decoder.on('rejected', (packets) => (rejected += packets));
  try {
    decoder.start();
    await new Promise((r) => setTimeout(r, 500));
    await ended(send('Gituatu_mask.mp4', '320:180', rtpPort, key, 3));
  } finally {
    decoder.close();
  }
  assert.ok(frames >= 30, `only ${frames} frames`);
  assert.equal(rejected, 0);
});

test('each frame leaves the decoder once decoded, not when the next one comes (nothing is held back)', { timeout: 30_000 }, async () => {
  const key = newKey();
  const rtpPort = await allocatePorts('127.0.0.1', { min: 61000, max: 61999 }, new Set());
  const decoder = decoderOn('cam_held', rtpPort, key);
  let inputs = 0;
  let frames = 0;
  decoder.on('input', () => inputs++);
  decoder.on('frame', () => frames++);
  try {
    decoder.start();
    assert.equal(await decoder.listening(), true);
    // Six key frames at 2 a second, then nothing: a decoder that holds a frame until the next one arrives keeps the
    // last one for ever (ffmpeg's rawvideo encoder with frame threads did: one frame, or two, behind).
    await ended(send('Gituatu_mask.mp4', '320:180', rtpPort, key, 10, { fps: 2, frames: 6, keyEvery: 1 }));
    // A held frame would never come: wait a while for the last one.
    for (let waited = 0; frames < inputs && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  } finally {
    decoder.close();
  }
  assert.ok(inputs >= 4, `only ${inputs} frames decoded`);
  assert.equal(frames, inputs, 'every decoded frame came out');
});

test("a decoder started with the node's spare spawner runs the ffmpeg started ahead, listens at once and decodes", { timeout: 30_000 }, async () => {
  const key = newKey();
  const rtpPort = await allocatePorts('127.0.0.1', { min: 61000, max: 61999 }, new Set());
  const spares = new SpareSpawner({ refillMs: 60_000 });
  const line = decoderCommandLine({ ffmpegPath: 'ffmpeg', maxSide: 640, fps: 25, codec: STREAM.mimeType });
  spares.prime(line.command, line.args);
  // The spare has loaded its libraries and waits for its SDP.
  await new Promise((r) => setTimeout(r, 1000));
  const decoder = new CameraDecoder({ cameraId: 'cam_spare', stream: STREAM, host: '127.0.0.1', rtpPort, srtp: key, fps: 25, maxSide: 640, ffmpegPath: 'ffmpeg', spawner: spares.spawn });
  let frames = 0;
  decoder.on('frame', () => frames++);
  try {
    const startedAt = performance.now();
    decoder.start();
    assert.equal(await decoder.listening(), true);
    const listenMs = performance.now() - startedAt;
    assert.equal(spares.taken, 1, 'the spare was taken');
    console.log(`spare decoder listening ${Math.round(listenMs)} ms after start`);
    await ended(send('Gituatu_mask.mp4', '320:180', rtpPort, key, 2));
    for (let waited = 0; frames < 20 && waited < 3000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  } finally {
    decoder.close();
    spares.close();
  }
  assert.ok(frames >= 20, `only ${frames} frames`);
});
