import { z } from 'zod';

import { VisionError } from '../VisionError.ts';
import type { DetectedFace } from './FaceDetectorTypes.ts';

/**
 * Is a detector box a face at all? YuNet scores a patch of a picture frame or a shadow now and then; a face has a
 * face's proportions and its five landmarks (eyes, nose tip, mouth corners) where a face has them. Every bound is
 * loose on purpose: a face turned aside, tilted or half out of the picture passes; what fails is a box whose
 * landmarks do not make a face. Defaults from YuNet's detections of the annotated faces of real-scenes (400 photos,
 * 931 faces): they reject 0.2 % of those faces and 3 % of the detections that match no annotation.
 */
export const FaceShapeOptionsSchema = z.strictObject({
  /** Box width / height, least and most (YuNet's faces: 0.62-1.10 for 99 % of the annotated ones). */
  minAspect: z.number().positive().max(10).default(0.5),
  maxAspect: z.number().positive().max(10).default(1.5),
  /** Every landmark lies inside the box grown by this share of its size on each side (faces: 0.04 at most). */
  landmarkSlack: z.number().min(0).max(2).default(0.1),
  /** The mouth corners lie this share of the box height below the eyes, at least and at most (faces: 0.29-0.54). */
  minEyeToMouth: z.number().min(-1).max(1).default(0.2),
  maxEyeToMouth: z.number().min(-1).max(2).default(0.7),
  /** Eyes at least this share of the box width apart (a face in profile: 0.08). */
  minEyeDistance: z.number().min(0).max(1).default(0.05),
});
export type FaceShapeOptions = z.input<typeof FaceShapeOptionsSchema>;
export type ResolvedFaceShape = z.output<typeof FaceShapeOptionsSchema>;

/** Why a box is not a face. */
export type FaceShapeFault = 'aspect' | 'landmarks';

export function resolveFaceShape(options: FaceShapeOptions = {}): ResolvedFaceShape {
  const parsed = FaceShapeOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `face shape: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`,
    );
  }
  if (parsed.data.minAspect > parsed.data.maxAspect) {
    throw new VisionError('INVALID_ARGUMENT', 'face shape: minAspect must not exceed maxAspect');
  }
  return parsed.data;
}

/** null when `face` has the shape of a face, else what is wrong with it. */
export function faceShapeFault(face: Pick<DetectedFace, 'box' | 'landmarks'>, shape: ResolvedFaceShape): FaceShapeFault | null {
  const [x1, y1, x2, y2] = face.box;
  const w = x2 - x1;
  const h = y2 - y1;
  if (!(w > 0 && h > 0)) return 'aspect';
  const aspect = w / h;
  if (aspect < shape.minAspect || aspect > shape.maxAspect) return 'aspect';
  const points = face.landmarks;
  // A detector without landmarks (another model) is judged by its box alone.
  if (points.length < 5) return null;
  const sx = shape.landmarkSlack * w;
  const sy = shape.landmarkSlack * h;
  for (const [x, y] of points) {
    if (!(x >= x1 - sx && x <= x2 + sx && y >= y1 - sy && y <= y2 + sy)) return 'landmarks';
  }
  const [rightEye, leftEye, , rightMouth, leftMouth] = points as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  const eyeY = (rightEye[1] + leftEye[1]) / 2;
  const mouthY = (rightMouth[1] + leftMouth[1]) / 2;
  const eyeToMouth = (mouthY - eyeY) / h;
  if (eyeToMouth < shape.minEyeToMouth || eyeToMouth > shape.maxEyeToMouth) return 'landmarks';
  if (Math.hypot(leftEye[0] - rightEye[0], leftEye[1] - rightEye[1]) < shape.minEyeDistance * w) return 'landmarks';
  return null;
}
