import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { VisionError } from '../VisionError.ts';
import { decodeYunet, YUNET_STRIDES } from './decodeYunet.ts';

/** All-zero outputs for a width x height input (scores 0: nothing found). */
function emptyOutputs(width: number, height: number): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const s of YUNET_STRIDES) {
    const n = (width / s) * (height / s);
    out[`cls_${s}`] = new Float32Array(n);
    out[`obj_${s}`] = new Float32Array(n);
    out[`bbox_${s}`] = new Float32Array(n * 4);
    out[`kps_${s}`] = new Float32Array(n * 10);
  }
  return out;
}

describe('decodeYunet', () => {
  it('finds nothing in all-zero outputs', () => {
    assert.deepEqual(decodeYunet(emptyOutputs(64, 32), 64, 32, 0.01), []);
  });

  it('decodes one anchor: score sqrt(cls*obj), centre (col+d0)*s, size exp(d)*s, landmarks (col+k)*s', () => {
    const out = emptyOutputs(64, 32);
    // Stride 16 on a 64x32 input: 4 columns, 2 rows; anchor row 1, col 2 = index 6.
    const i = 1 * 4 + 2;
    out.cls_16![i] = 0.81;
    out.obj_16![i] = 1;
    out.bbox_16!.set([0.5, 0.25, Math.log(2), 0], i * 4);
    out.kps_16!.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], i * 10);
    const faces = decodeYunet(out, 64, 32, 0.5);
    assert.equal(faces.length, 1);
    const [face] = faces;
    assert.ok(Math.abs(face!.score - 0.9) < 1e-6);
    // cx = 2.5 * 16 = 40, cy = 1.25 * 16 = 20, w = 32, h = 16.
    face!.box.forEach((v, k) => assert.ok(Math.abs(v - [24, 12, 56, 28][k]!) < 1e-4, `box[${k}] = ${v}`));
    assert.deepEqual(face!.landmarks[0], [32, 16]);
    assert.deepEqual(face!.landmarks[2], [40, 24]);
    assert.deepEqual(face!.landmarks[4], [48, 32]);
  });

  it('drops anchors below the threshold and clamps scores to 0..1', () => {
    const out = emptyOutputs(64, 32);
    out.cls_8![0] = 0.25;
    out.obj_8![0] = 1; // score 0.5
    out.cls_32![1] = 1.3;
    out.obj_32![1] = 1.2; // clamped: score 1
    const faces = decodeYunet(out, 64, 32, 0.6);
    assert.equal(faces.length, 1);
    assert.equal(faces[0]!.score, 1);
    assert.equal(decodeYunet(out, 64, 32, 0.5).length, 2);
  });

  it('refuses outputs that do not match the input size', () => {
    assert.throws(
      () => decodeYunet(emptyOutputs(64, 32), 64, 64, 0.5),
      (e: unknown) => e instanceof VisionError && e.code === 'MODEL_INCOMPATIBLE',
    );
    const missing = emptyOutputs(64, 32);
    delete missing.kps_32;
    assert.throws(() => decodeYunet(missing, 64, 32, 0.5), /stride 32 missing/);
  });
});
