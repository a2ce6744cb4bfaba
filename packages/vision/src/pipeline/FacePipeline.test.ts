import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FaceSchema } from '@maskwatch/protocol/faces';
import { listSupportedBackends } from 'onnxruntime-node';

import { decodeImage } from '../image/decodeImage.ts';
import { createRgbFrame } from '../image/RgbFrame.ts';
import { meanRgbManifest } from '../testing/meanRgbModel.ts';
import { extractFrames } from '../testing/videoFrames.ts';
import { VisionError } from '../VisionError.ts';
import { FacePipeline } from './FacePipeline.ts';

describe('FacePipeline (YuNet + tiny real classifier)', () => {
  it('finds, crops and classifies every face of a frame; faces valid for the protocol, boxes inside the frame', async () => {
    const pipeline = await FacePipeline.create({ manifest: meanRgbManifest(), session: { intraOpThreads: 1 } });
    try {
      const [path] = extractFrames('diazoniclabs_mask.mp4', 1);
      const frame = await decodeImage(path!);
      const { faces, timings } = await pipeline.analyze(frame);
      assert.ok(faces.length >= 4);
      for (const face of faces) {
        FaceSchema.parse(face);
        assert.ok(face.box[0] >= 0 && face.box[1] >= 0 && face.box[2] <= frame.width && face.box[3] <= frame.height);
        assert.ok(face.detScore! > 0.5);
      }
      assert.equal(timings.decodeMs, undefined);
      assert.ok(timings.totalMs >= timings.detectMs + timings.classifyMs - 1e-6);

      const fromFile = await pipeline.analyzeImage(path!);
      assert.deepEqual(fromFile.faces, faces, 'same faces from the file');
      assert.equal(typeof fromFile.timings.decodeMs, 'number');
      assert.deepEqual([fromFile.width, fromFile.height], [frame.width, frame.height]);
    } finally {
      pipeline.close();
    }
  });

  it('clips a face cut by the frame edge to the frame', async () => {
    const pipeline = await FacePipeline.create({ manifest: meanRgbManifest() });
    try {
      // Gituatu_mask's face spans y 50..200: cut the frame at y = 110 and the face runs past the top edge.
      const [path] = extractFrames('Gituatu_mask.mp4', 1);
      const full = await decodeImage(path!);
      const cut = createRgbFrame(full.width, full.height - 110, full.data.slice(110 * full.width * 3));
      const raw = await pipeline.detector.detect(cut);
      assert.equal(raw.length, 1);
      assert.ok(raw[0]!.box[1] < 0, `raw box ${raw[0]!.box.join(', ')} reaches past the top edge`);
      const { faces } = await pipeline.analyze(cut);
      assert.equal(faces[0]!.box[1], 0);
      assert.deepEqual(faces[0]!.box.slice(2), raw[0]!.box.slice(2));
    } finally {
      pipeline.close();
    }
  });

  it('falls back to CPU when CUDA is asked for but cannot be loaded', async (t) => {
    const cudaBundled = listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled);
    if (cudaBundled) t.skip('CUDA is available here: nothing to fall back from');
    const pipeline = await FacePipeline.create({ manifest: meanRgbManifest(), session: { executionProvider: 'cuda' } });
    try {
      if (!cudaBundled) assert.equal(pipeline.classifier.executionProvider, 'cpu');
      const [path] = extractFrames('Gituatu_mask.mp4', 1);
      assert.equal((await pipeline.analyzeImage(path!)).faces.length, 1);
    } finally {
      pipeline.close();
    }
  });

  it('close() is safe twice, closes both sessions, and analyze() then fails with CLOSED', async () => {
    const pipeline = await FacePipeline.create({ manifest: meanRgbManifest() });
    pipeline.close();
    pipeline.close();
    assert.equal(pipeline.detector.closed, true);
    assert.equal(pipeline.classifier.closed, true);
    await assert.rejects(
      pipeline.analyzeImage('/nonexistent.png'),
      (e: unknown) => e instanceof VisionError && e.code === 'CLOSED',
    );
  });

  it('fails to start without a classifier in the manifest, naming the manifest', async () => {
    const manifest = meanRgbManifest();
    await assert.rejects(FacePipeline.create({ manifest, classifier: 'yunet' }), /not a classifier/);
  });
});
