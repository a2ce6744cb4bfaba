// Test support: a large photo with one small real face, to check that the tile pass finds it.
import { join } from 'node:path';

import type { Box } from '@maskwatch/protocol/faces';
import sharp from 'sharp';

import { FaceDetector } from '../detect/FaceDetector.ts';
import { decodeImage } from '../image/decodeImage.ts';
import { findRepoRoot } from '../manifest/findRepoRoot.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';

const SHARED = process.env.MASKWATCH_SHARED ?? join(findRepoRoot(), '..', 'shared');
/** An unmasked face of the training data set, close up (its face fills most of the picture). */
export const FACE_IMAGE = join(SHARED, 'datasets', 'face-mask', 'without_mask', '0.jpg');

/**
 * Writes `<dir>/big.jpg`: a width x height grey photo with FACE_IMAGE scaled so that its face (as YuNet boxes it)
 * is `faceSide` pixels wide, the face box's top-left corner at `at`. Returns the path and where the face box is.
 */
export async function bigPhotoWithSmallFace(
  dir: string,
  { width, height, faceSide, at }: { width: number; height: number; faceSide: number; at: [number, number] },
): Promise<{ path: string; faceBox: Box }> {
  const detector = await FaceDetector.create(ModelManifest.load().detector());
  let box: Box;
  try {
    const faces = await detector.detect(await decodeImage(FACE_IMAGE));
    if (faces.length !== 1) throw new Error(`${FACE_IMAGE}: expected one face, YuNet found ${faces.length}`);
    box = faces[0]!.box;
  } finally {
    detector.close();
  }
  const meta = await sharp(FACE_IMAGE).metadata();
  const f = faceSide / (box[2] - box[0]);
  const w = Math.round(meta.width! * f);
  const h = Math.round(meta.height! * f);
  const sx = w / meta.width!;
  const sy = h / meta.height!;
  const left = Math.round(at[0] - box[0] * sx);
  const top = Math.round(at[1] - box[1] * sy);
  const face = await sharp(FACE_IMAGE).resize(w, h, { fit: 'fill' }).toBuffer();
  const path = join(dir, 'big.jpg');
  await sharp({ create: { width, height, channels: 3, background: { r: 118, g: 124, b: 130 } } })
    .composite([{ input: face, left, top }])
    .jpeg({ quality: 92 })
    .toFile(path);
  return { path, faceBox: [left + box[0] * sx, top + box[1] * sy, left + box[2] * sx, top + box[3] * sy] };
}
