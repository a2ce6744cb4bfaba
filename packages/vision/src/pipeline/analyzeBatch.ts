import type { Box, MaskLabel } from '@maskwatch/protocol/faces';

import { cropFace } from '../image/cropFace.ts';
import { clipBox } from '../image/clipBox.ts';
import type { RgbFrame } from '../image/RgbFrame.ts';
import type { FacePipeline } from './FacePipeline.ts';

/** One face of a batch-analysed frame: the detector's box and score, the classifier's verdict. */
export type BatchFace = {
  box: Box;
  detScore: number;
  label: MaskLabel;
  score: number;
  /** Per label, in MASK_LABELS order (what the tracker votes on). */
  probabilities: number[];
};

export type BatchFrameAnalysis = {
  faces: BatchFace[];
  detectMs: number;
  /** The classifier run this frame's faces were part of (shared by every frame of the batch). */
  classifyMs: number;
};

/**
 * Frames from several cameras at once: detection per frame, then one classifier run over the faces of every frame,
 * so that a node with many cameras pays one classifier call per round instead of one per frame.
 */
export async function analyzeBatch(pipeline: FacePipeline, frames: readonly RgbFrame[]): Promise<BatchFrameAnalysis[]> {
  const detected: { boxes: Box[]; scores: number[]; detectMs: number }[] = [];
  for (const frame of frames) {
    const t0 = performance.now();
    const faces = await pipeline.detector.detect(frame);
    detected.push({
      boxes: faces.map((face) => face.box),
      scores: faces.map((face) => Math.min(1, Math.max(0, face.score))),
      detectMs: performance.now() - t0,
    });
  }
  const size = pipeline.classifier.size;
  const crops = frames.flatMap((frame, i) => detected[i]!.boxes.map((box) => cropFace(frame, box, size)));
  const t1 = performance.now();
  const classes = await pipeline.classifier.classifyCrops(crops);
  const classifyMs = crops.length > 0 ? performance.now() - t1 : 0;
  let next = 0;
  return frames.map((frame, i) => {
    const { boxes, scores, detectMs } = detected[i]!;
    const faces = boxes.map((box, j): BatchFace => {
      const c = classes[next++]!;
      return {
        box: clipBox(box, frame.width, frame.height),
        detScore: scores[j]!,
        label: c.label,
        score: c.score,
        probabilities: pipeline.inMaskLabelOrder(c.probabilities),
      };
    });
    return { faces, detectMs, classifyMs };
  });
}
