import type { Box, MaskLabel } from '@maskwatch/protocol/faces';

import { faceShapeFault, type ResolvedFaceShape } from '../detect/faceShape.ts';
import { cropFace } from '../image/cropFace.ts';
import { clipBox } from '../image/clipBox.ts';
import type { RgbFrame } from '../image/RgbFrame.ts';
import { describeAppearance } from '../track/appearance.ts';
import type { FacePipeline } from './FacePipeline.ts';

/** One face of a batch-analysed frame: the detector's box and score, the classifier's verdict. */
export type BatchFace = {
  box: Box;
  detScore: number;
  label: MaskLabel;
  score: number;
  /** Per label, in MASK_LABELS order (what the tracker votes on). */
  probabilities: number[];
  /** The person's look (track/appearance.ts): how the tracker and the alert rule recognise them later. */
  appearance: number[];
};

export type BatchOptions = {
  /** Drop the boxes that do not have a face's shape (detect/faceShape.ts); omitted: keep every box. */
  faceShape?: ResolvedFaceShape;
};

export type BatchFrameAnalysis = {
  faces: BatchFace[];
  /** Boxes dropped as not faces (faceShape). */
  notFaces: number;
  detectMs: number;
  /** The classifier run this frame's faces were part of (shared by every frame of the batch). */
  classifyMs: number;
};

/**
 * Frames from several cameras at once: detection per frame, then one classifier run over the faces of every frame,
 * so that a node with many cameras pays one classifier call per round instead of one per frame.
 */
export async function analyzeBatch(
  pipeline: FacePipeline,
  frames: readonly RgbFrame[],
  options: BatchOptions = {},
): Promise<BatchFrameAnalysis[]> {
  const detected: { boxes: Box[]; scores: number[]; detectMs: number; notFaces: number }[] = [];
  for (const frame of frames) {
    const t0 = performance.now();
    const found = await pipeline.detector.detect(frame);
    const shape = options.faceShape;
    const faces = shape ? found.filter((face) => faceShapeFault(face, shape) === null) : found;
    detected.push({
      boxes: faces.map((face) => face.box),
      scores: faces.map((face) => Math.min(1, Math.max(0, face.score))),
      detectMs: performance.now() - t0,
      notFaces: found.length - faces.length,
    });
  }
  const size = pipeline.classifier.size;
  const crops = frames.flatMap((frame, i) => detected[i]!.boxes.map((box) => cropFace(frame, box, size)));
  const t1 = performance.now();
  const classes = await pipeline.classifier.classifyCrops(crops);
  const classifyMs = crops.length > 0 ? performance.now() - t1 : 0;
  let next = 0;
  return frames.map((frame, i) => {
    const { boxes, scores, detectMs, notFaces } = detected[i]!;
    const faces = boxes.map((box, j): BatchFace => {
      const c = classes[next++]!;
      return {
        box: clipBox(box, frame.width, frame.height),
        detScore: scores[j]!,
        label: c.label,
        score: c.score,
        probabilities: pipeline.inMaskLabelOrder(c.probabilities),
        appearance: describeAppearance(frame, box),
      };
    });
    return { faces, notFaces, detectMs, classifyMs };
  });
}
