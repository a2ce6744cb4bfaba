// Classifies the faces of still images.
// Usage (repo root): npm run -s detect -- --json IMAGE...
//                    npm run -s detect -- --json --images-from LIST
// Options: --model NAME (classifier), --detector NAME, --threshold 0.6 (detector score), --provider cpu|cuda,
//          --workers N (worker threads, each with its own models, beside the main thread, which analyses images
//          too; default: one per other core, none for fewer than 32 images), --workers-only (the main thread only
//          reads and writes), --concurrency 2 (images in flight per thread), --threads 1 (onnxruntime threads per
//          model), --sequential (one image at a time in the main thread: the reference the parallel path must
//          match), --max-side 960 (detector input), --min-face 24 (faces this small in a large photo are looked for
//          in a second pass over tiles; 0: no tiles), --quiet (no per-image timings on stderr).
// stdout, with --json: exactly one JSON line per image, in the order given:
//   {"image": "<path as given>", "faces": [{"box": [x1, y1, x2, y2], "label": "mask"|"no_mask"|"incorrect", "score": 0.97}]}
// An image that cannot be read gets {"image": "<path>", "faces": [], "error": "<why>"} and a line on stderr.
// Without --json: one human-readable line per image. Exit 0 when every image was read, 1 when some could not
// be, 2 on bad arguments or models (then nothing is printed on stdout).
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

import type { FacePipeline, FacePipelineOptions } from '../pipeline/FacePipeline.ts';
import { VisionError } from '../VisionError.ts';
import { analyzeForLine, modelsOf, type DetectLine, type ImageOutcome } from './analyzeForLine.ts';
import { callerPath } from './callerPath.ts';
import { DetectPool } from './DetectPool.ts';
import { mapOrdered } from './mapOrdered.ts';
import { parseNumber } from './parseNumber.ts';
import { readList } from './readList.ts';

export type { DetectLine } from './analyzeForLine.ts';

const USAGE =
  'usage: detect [--json] [--model NAME] [--detector NAME] [--threshold 0.6] [--provider cpu|cuda] [--workers N] [--workers-only] [--concurrency 2] [--threads 1] [--sequential] [--max-side 960] [--min-face 24] [--quiet] (IMAGE... | --images-from LIST)';

/** Lists shorter than this run in the main thread alone. */
const MIN_IMAGES_FOR_WORKERS = 32;

async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      json: { type: 'boolean' },
      'images-from': { type: 'string' },
      model: { type: 'string' },
      detector: { type: 'string' },
      threshold: { type: 'string' },
      provider: { type: 'string' },
      threads: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      sequential: { type: 'boolean' },
      'workers-only': { type: 'boolean' },
      'max-side': { type: 'string' },
      'min-face': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const provider = values.provider ?? 'cpu';
  if (provider !== 'cpu' && provider !== 'cuda')
    throw new VisionError('INVALID_ARGUMENT', `--provider: "${provider}" is not cpu or cuda`);
  const threshold = parseNumber('threshold', values.threshold, 0.6, (n) => n >= 0 && n <= 1);
  const concurrency = parseNumber(
    'concurrency',
    values.concurrency,
    2,
    (n) => Number.isInteger(n) && n >= 1 && n <= 16,
  );
  const maxSide = parseNumber('max-side', values['max-side'], 960, (n) => Number.isInteger(n) && n >= 32);
  const minFace = parseNumber('min-face', values['min-face'], 24, (n) => n >= 0);
  const sequential = values.sequential === true;
  const images = [
    ...positionals,
    ...(values['images-from'] !== undefined ? await readList(values['images-from']) : []),
  ];
  if (images.length === 0) throw new VisionError('INVALID_ARGUMENT', `no images given\n${USAGE}`);
  const cores = availableParallelism();
  // Worker threads beside the main thread, which analyses images too: one per other core, none for a short list
  // (a worker's start-up, its own models, costs about what a dozen images do).
  const auto = images.length >= MIN_IMAGES_FOR_WORKERS ? Math.min(cores - 1, 7) : 0;
  const workers = sequential
    ? 0
    : parseNumber('workers', values.workers, auto, (n) => Number.isInteger(n) && n >= 0 && n <= 64);
  const workersOnly = values['workers-only'] === true;
  if (workersOnly && workers === 0)
    throw new VisionError('INVALID_ARGUMENT', '--workers-only needs --workers 1 or more');
  // One onnxruntime thread per model: the parallelism is across images. Every path uses the same, so that they all
  // print the same numbers.
  const threads = parseNumber('threads', values.threads, 1, (n) => Number.isInteger(n) && n >= 0);

  const started = performance.now();
  const options: FacePipelineOptions = {
    ...(values.model !== undefined ? { classifier: values.model } : {}),
    ...(values.detector !== undefined ? { detector: values.detector } : {}),
    detectorOptions: {
      scoreThreshold: threshold,
      maxInputSide: maxSide,
      ...(minFace > 0 ? { minFaceSide: minFace } : {}),
    },
    session: { executionProvider: provider, intraOpThreads: threads },
  };
  // Workers first: they load their models while this thread loads its own.
  const pool = workers > 0 ? await DetectPool.start(workers, { ...options, decodeThreads: 1 }) : undefined;
  let pipeline: FacePipeline | undefined;
  try {
    if (!workersOnly) {
      // Imported here: with --workers-only, this thread never loads onnxruntime or the models.
      const { FacePipeline } = await import('../pipeline/FacePipeline.ts');
      pipeline = await FacePipeline.create(options);
    } else {
      await pool!.settled;
    }
  } catch (error) {
    await pool?.close();
    throw error;
  }
  const info = pipeline !== undefined ? modelsOf(pipeline) : pool!.info!;
  let localInFlight = 0;
  const local = pipeline;
  /** To this thread or the least busy ready worker, whichever has fewer images in flight. */
  const analyze = (path: string): Promise<ImageOutcome> => {
    const busy = pool?.leastBusy();
    if (local === undefined || (busy !== undefined && busy < localInFlight)) return pool!.analyze(path);
    localInFlight++;
    return analyzeForLine(local, path).finally(() => localInFlight--);
  };
  const close = async (): Promise<void> => {
    pipeline?.close();
    await pool?.close();
  };
  const quiet = values.quiet === true;
  process.stderr.write(
    `detect: ${images.length} image(s), detector ${info.detector}, classifier ${info.classifier} (${info.executionProvider}), ${workersOnly ? '' : 'this thread'}${workers > 0 ? `${workersOnly ? '' : ' + '}${workers} worker(s)` : ''}, load ${(performance.now() - started).toFixed(0)} ms\n`,
  );
  let failed = 0;
  let faces = 0;
  const t0 = performance.now();
  try {
    await mapOrdered(
      images,
      sequential ? 1 : concurrency * (workers + (workersOnly ? 0 : 1)),
      (image) => analyze(callerPath(image)),
      async (outcome, index) => {
        const image = images[index]!;
        const line: DetectLine = { image, faces: outcome.faces };
        if (outcome.error === undefined) {
          faces += outcome.faces.length;
          const t = outcome.timings;
          if (!quiet && t !== undefined) {
            process.stderr.write(
              `detect: ${image}: ${outcome.faces.length} face(s); decode ${t.decodeMs?.toFixed(1)} ms, detect ${t.detectMs.toFixed(1)} ms, classify ${t.classifyMs.toFixed(1)} ms, total ${t.totalMs.toFixed(1)} ms\n`,
            );
          }
        } else {
          failed++;
          line.error = outcome.error;
          process.stderr.write(`detect: error: ${image}: ${line.error}\n`);
        }
        if (values.json === true) {
          await writeOut(`${JSON.stringify(line)}\n`);
        } else {
          const text =
            line.error !== undefined
              ? `ERROR ${line.error}`
              : line.faces.map((f) => `${f.label} ${f.score.toFixed(2)} [${f.box.join(', ')}]`).join('; ') || 'no face';
          await writeOut(`${image}: ${text}\n`);
        }
      },
    );
  } finally {
    await close();
  }
  const s = (performance.now() - t0) / 1000;
  process.stderr.write(
    `detect: ${images.length} image(s), ${faces} face(s), ${failed} unreadable, ${s.toFixed(2)} s (${(images.length / s).toFixed(1)} images/s)${pool !== undefined ? `, ${pool.analyzed} on worker threads` : ''}\n`,
  );
  return failed > 0 ? 1 : 0;
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // A closed pipe (`| head`) is the reader's choice, not a failure.
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`detect: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
