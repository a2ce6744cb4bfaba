// Writes the face crops the Python training pipeline reads, with the same crop function as live inference.
// Usage: npm run -s -w @maskwatch/vision crops -- --out DIR --size 128 --list LIST [--threshold 0.3]
//        [--detector NAME] [--concurrency 2] [--threads N] [--all-faces] [--boxes-only] [--max-side 960]
//        [--min-face 0]
// --all-faces: also crop every face found (<n>_<k>.png, index field "allFaces"), for scene evaluation.
// --boxes-only: write the index only, no PNG (detector measurements: "crop" is null, without "error").
// --max-side, --min-face: the detector's input side and tile pass, as `detect` takes them (detect's defaults are
// 960 and 24; here the tile pass is off unless asked, as for the training crops so far).
// stdout: nothing; stderr: progress and a summary. Exit 0 when every image was read, 1 when some could not be
// (their index line carries "error"), 2 on bad arguments or models.
import { parseArgs } from 'node:util';

import { writeCrops } from '../crops/writeCrops.ts';
import { FaceDetector } from '../detect/FaceDetector.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';
import { VisionError } from '../VisionError.ts';
import { callerPath } from './callerPath.ts';
import { parseNumber } from './parseNumber.ts';
import { readList } from './readList.ts';

const USAGE =
  'usage: crops --out DIR --list LIST [--size 128] [--threshold 0.3] [--detector NAME] [--concurrency 2] [--threads N] [--all-faces] [--boxes-only] [--max-side 960] [--min-face 0]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      list: { type: 'string' },
      size: { type: 'string' },
      threshold: { type: 'string' },
      detector: { type: 'string' },
      concurrency: { type: 'string' },
      threads: { type: 'string' },
      'all-faces': { type: 'boolean' },
      'boxes-only': { type: 'boolean' },
      'max-side': { type: 'string' },
      'min-face': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (values.out === undefined || values.list === undefined)
    throw new VisionError('INVALID_ARGUMENT', `--out and --list are required\n${USAGE}`);
  const size = parseNumber('size', values.size, 128, (n) => Number.isInteger(n) && n >= 8 && n <= 1024);
  const threshold = parseNumber('threshold', values.threshold, 0.3, (n) => n >= 0 && n <= 1);
  const concurrency = parseNumber(
    'concurrency',
    values.concurrency,
    2,
    (n) => Number.isInteger(n) && n >= 1 && n <= 16,
  );
  const threads = parseNumber('threads', values.threads, 0, (n) => Number.isInteger(n) && n >= 0);
  const maxSide = parseNumber('max-side', values['max-side'], 960, (n) => Number.isInteger(n) && n >= 32);
  const minFace = parseNumber('min-face', values['min-face'], 0, (n) => n >= 0);

  const images = await readList(values.list);
  const manifest = ModelManifest.load();
  const detector = await FaceDetector.create(manifest.detector(values.detector), {
    scoreThreshold: threshold,
    maxInputSide: maxSide,
    ...(minFace > 0 ? { minFaceSide: minFace } : {}),
    session: { intraOpThreads: threads },
  });
  const started = performance.now();
  try {
    process.stderr.write(
      `crops: ${images.length} images -> ${callerPath(values.out)} (size ${size}, detector ${detector.model.name}, threshold ${threshold}, max side ${maxSide}, min face ${minFace || 'off'})\n`,
    );
    const summary = await writeCrops({
      images,
      outDir: callerPath(values.out),
      size,
      detector,
      scoreThreshold: threshold,
      concurrency,
      allFaces: values['all-faces'] === true,
      boxesOnly: values['boxes-only'] === true,
      onRecord: (record, index) => {
        if (record.error !== undefined) process.stderr.write(`crops: ${record.image}: ${record.error}\n`);
        const n = index + 1;
        if (n % 250 === 0 || n === images.length) {
          const s = (performance.now() - started) / 1000;
          process.stderr.write(`crops: ${n}/${images.length} (${(n / s).toFixed(1)} images/s)\n`);
        }
      },
    });
    const s = (performance.now() - started) / 1000;
    process.stderr.write(
      `crops: done: ${summary.images} images, ${summary.detected} with a face, ${summary.images - summary.detected - summary.failed} without (centre crop), ${summary.failed} unreadable, ${s.toFixed(1)} s\n`,
    );
    return summary.failed > 0 ? 1 : 0;
  } finally {
    detector.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`crops: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
