import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDecoderArgs } from './decoderArgs.ts';
import { chooseAcceleration, probeCuda } from './hwaccel.ts';

test('NVDEC asked for where it cannot be had: decoding stays on the CPU, with one warning that says why', () => {
  const missing = { ok: false as const, reason: 'Cannot load libcuda.so.1' };
  const asked = chooseAcceleration('cuda', missing);
  assert.equal(asked.acceleration, 'none');
  assert.match(asked.warning ?? '', /MASKWATCH_DECODER_HWACCEL=cuda.*libcuda\.so\.1.*CPU/);
  assert.deepEqual(chooseAcceleration('auto', missing), { acceleration: 'none' }, 'auto: quietly the CPU');
  assert.deepEqual(chooseAcceleration('auto', { ok: true }), { acceleration: 'cuda' });
  assert.deepEqual(chooseAcceleration('none', { ok: true }), { acceleration: 'none' });
});

test("this machine's ffmpeg is asked for a CUDA device: the probe answers, with ffmpeg's reason when it has none", async () => {
  const probe = await probeCuda('ffmpeg');
  if (probe.ok) return; // a GPU machine: nothing to explain
  assert.ok(probe.reason.length > 0);
  assert.deepEqual(await probeCuda('/nonexistent/ffmpeg').then((p) => p.ok), false);
});

test('NVDEC decodes H.264 only (VP8 stays on the CPU), as a decoder option before the input', () => {
  const h264 = buildDecoderArgs({ maxSide: 1920, fps: 5, acceleration: 'cuda', codec: 'video/H264' });
  assert.equal(h264[h264.indexOf('-hwaccel') + 1], 'cuda');
  assert.ok(h264.indexOf('-hwaccel') < h264.indexOf('-i'));
  assert.ok(!buildDecoderArgs({ maxSide: 1920, fps: 5, acceleration: 'cuda', codec: 'video/VP8' }).includes('-hwaccel'));
  assert.ok(!buildDecoderArgs({ maxSide: 1920, fps: 5, acceleration: 'none', codec: 'video/H264' }).includes('-hwaccel'));
});
