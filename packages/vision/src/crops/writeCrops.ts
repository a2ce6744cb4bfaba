import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { Box } from '@maskwatch/protocol/faces';

import type { FaceDetector } from '../detect/FaceDetector.ts';
import { centredSquare, cropFace, cropSquare } from '../image/cropFace.ts';
import { decodeImage, encodePng } from '../image/decodeImage.ts';
import { mapOrdered } from '../cli/mapOrdered.ts';
import { callerPath } from '../cli/callerPath.ts';
import type { CropRecord } from './CropRecord.ts';

export type WriteCropsOptions = {
  images: readonly string[];
  outDir: string;
  size: number;
  detector: FaceDetector;
  /** Detector score threshold for training images. */
  scoreThreshold: number;
  concurrency?: number;
  /** Also crop every face found (`<n>_<k>.png`, record `allFaces`): scene evaluation, where a picture holds many. */
  allFaces?: boolean;
  /** Write the index only, no PNG: `crop` is null (without `error`), also in `allFaces` (detector measurements). */
  boxesOnly?: boolean;
  /** Called after each image, in list order. */
  onRecord?: (record: CropRecord, index: number) => void;
};

export type WriteCropsSummary = { images: number; detected: number; failed: number };

const round1 = (v: number): number => Math.round(v * 10) / 10;
const roundBox = (b: Box): Box => [round1(b[0]), round1(b[1]), round1(b[2]), round1(b[3])];

/** Writes `<outDir>/<n>.png` (n = index in the list) and `<outDir>/index.jsonl` (replaced, one line per image). */
export async function writeCrops(options: WriteCropsOptions): Promise<WriteCropsSummary> {
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const indexPath = join(outDir, 'index.jsonl');
  await writeFile(indexPath, '');
  const summary: WriteCropsSummary = { images: 0, detected: 0, failed: 0 };

  const work = async (image: string, n: number): Promise<CropRecord> => {
    try {
      const frame = await decodeImage(callerPath(image));
      const faces = await options.detector.detect(frame, { scoreThreshold: options.scoreThreshold });
      const best = faces[0];
      const write = options.boxesOnly !== true;
      let cropPath: string | null = null;
      if (write) {
        const crop =
          best !== undefined
            ? cropFace(frame, best.box, options.size)
            : cropSquare(frame, centredSquare(frame.width, frame.height), options.size);
        cropPath = join(outDir, `${n}.png`);
        await writeFile(cropPath, await encodePng(crop));
      }
      const allFaces: CropRecord['allFaces'] = [];
      if (options.allFaces === true) {
        for (const [k, face] of faces.entries()) {
          let facePath: string | null = null;
          if (write) {
            facePath = join(outDir, `${n}_${k}.png`);
            await writeFile(facePath, await encodePng(cropFace(frame, face.box, options.size)));
          }
          allFaces.push({ crop: facePath, box: roundBox(face.box), score: Math.round(face.score * 1e4) / 1e4 });
        }
      }
      return {
        image,
        crop: cropPath,
        detected: best !== undefined,
        box: roundBox(best?.box ?? centredSquare(frame.width, frame.height)),
        score: best !== undefined ? Math.round(best.score * 1e4) / 1e4 : 0,
        faces: faces.length,
        imageSize: [frame.width, frame.height],
        ...(options.allFaces === true ? { allFaces } : {}),
      };
    } catch (error) {
      return { image, crop: null, detected: false, box: null, score: null, faces: 0, error: (error as Error).message };
    }
  };

  let pending: string[] = [];
  const flushIndex = async (): Promise<void> => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    await appendFile(indexPath, text);
  };
  await mapOrdered(options.images, options.concurrency ?? 2, work, async (record, index) => {
    summary.images++;
    if (record.detected) summary.detected++;
    if (record.error !== undefined) summary.failed++;
    pending.push(`${JSON.stringify(record)}\n`);
    if (pending.length >= 64) await flushIndex();
    options.onRecord?.(record, index);
  });
  await flushIndex();
  return summary;
}
