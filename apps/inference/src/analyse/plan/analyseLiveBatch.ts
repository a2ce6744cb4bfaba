import type { MaskLabel } from '@maskwatch/protocol/faces';
import { nms } from '@maskwatch/vision/detect/nms';
import type { DetectedFace } from '@maskwatch/vision/detect/FaceDetector';
import { clipBox } from '@maskwatch/vision/image/clipBox';
import { cropFace } from '@maskwatch/vision/image/cropFace';
import type { RgbFrame } from '@maskwatch/vision/image/RgbFrame';
import { faceShapeFault } from '@maskwatch/vision/detect/faceShape';
import type { BatchFace, BatchOptions } from '@maskwatch/vision/pipeline/analyzeBatch';
import { describeAppearance } from '@maskwatch/vision/track/appearance';
import type { FacePipeline } from '@maskwatch/vision/pipeline/FacePipeline';
import type { CameraPlanner, DetectMode } from './CameraPlanner.ts';

/** One frame of a live batch: its camera's planner, the pixels, and when it was captured (ms). */
export type LiveBatchItem = { planner: CameraPlanner; frame: RgbFrame; at: number };

export type LiveFrameAnalysis = {
  faces: BatchFace[];
  mode: DetectMode;
  /** Regions the detector looked at (region mode). */
  regions: number;
  /** Boxes dropped as not faces (the face-shape check). */
  notFaces: number;
  detectMs: number;
  /** The classifier run this frame's new crops were part of (shared by the batch); 0 when it had none. */
  classifyMs: number;
  /** Faces classified in this frame, and faces that kept an earlier classification. */
  classified: number;
  reused: number;
};

/**
 * Live frames of several cameras: each frame looked at as its camera's planner says (whole, regions at full
 * resolution, or not at all), boxes that are not face-shaped dropped (`options.faceShape`), then one classifier run
 * over the faces of the whole batch that need it; each face carries its look (appearance) for the tracker.
 */
export async function analyseLiveBatch(
  pipeline: FacePipeline,
  items: readonly LiveBatchItem[],
  options: BatchOptions = {},
): Promise<LiveFrameAnalysis[]> {
  const detector = pipeline.detector;
  const shape = options.faceShape;
  const detected: { faces: DetectedFace[]; mode: DetectMode; regions: number; detectMs: number; notFaces: number }[] = [];
  for (const { planner, frame, at } of items) {
    const t0 = performance.now();
    const plan = planner.plan(frame, at);
    let faces: DetectedFace[] = [];
    if (plan.mode === 'full') faces = await detector.detect(frame, { tiles: plan.tiles });
    else if (plan.mode === 'region') {
      const found: DetectedFace[] = [];
      for (const { box, scale } of plan.regions) found.push(...(await detector.detectRegion(frame, box, { scale })));
      faces = nms(found, detector.options.nmsIouThreshold, detector.options.maxFaces);
    }
    const found = faces.length;
    if (shape) faces = faces.filter((face) => faceShapeFault(face, shape) === null);
    const boxes = faces.map((face) => clipBox(face.box, frame.width, frame.height));
    planner.detected(boxes.filter((_, i) => faces[i]!.score >= 0.5));
    detected.push({ faces, mode: plan.mode, regions: plan.regions.length, detectMs: performance.now() - t0, notFaces: found - faces.length });
  }

  // Which faces need the classifier: those without a recent, sure classification of the same face.
  const reuse = items.map(({ planner, frame }, i) =>
    planner.reusable(detected[i]!.faces.map((face) => clipBox(face.box, frame.width, frame.height))),
  );
  const size = pipeline.classifier.size;
  const crops: RgbFrame[] = [];
  items.forEach(({ frame }, i) =>
    detected[i]!.faces.forEach((face, j) => {
      if (!reuse[i]![j]) crops.push(cropFace(frame, face.box, size));
    }),
  );
  const t1 = performance.now();
  const classes = await pipeline.classifier.classifyCrops(crops);
  const classifyMs = crops.length > 0 ? performance.now() - t1 : 0;
  let next = 0;
  return items.map(({ planner, frame }, i) => {
    const { faces, mode, regions, detectMs, notFaces } = detected[i]!;
    let classified = 0;
    const out = faces.map((face, j) => {
      const box = clipBox(face.box, frame.width, frame.height);
      const reused = reuse[i]![j];
      let label: MaskLabel;
      let score: number;
      let probabilities: number[];
      if (reused) {
        ({ score, probabilities } = reused);
        label = reused.label;
      } else {
        const c = classes[next++]!;
        classified++;
        label = c.label;
        score = c.score;
        probabilities = pipeline.inMaskLabelOrder(c.probabilities);
      }
      const appearance = describeAppearance(frame, face.box);
      return { face: { box, detScore: Math.min(1, Math.max(0, face.score)), label, score, probabilities, appearance }, reused };
    });
    planner.classified(out.map(({ face, reused }) => ({ ...face, reused })));
    return {
      faces: out.map(({ face }) => face),
      mode,
      regions,
      notFaces,
      detectMs,
      classifyMs: classified > 0 ? classifyMs : 0,
      classified,
      reused: out.length - classified,
    };
  });
}
