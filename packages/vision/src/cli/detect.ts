// Classifies the faces of still images.
// Usage (repo root): npm run -s detect -- --json IMAGE...
//                    npm run -s detect -- --json --images-from LIST
// Options: --model NAME (classifier), --detector NAME, --threshold 0.6 (detector score), --provider cpu|cuda,
//          --threads N, --concurrency 2, --quiet (no per-image timings on stderr).
// stdout, with --json: exactly one JSON line per image, in the order given:
//   {"image": "<path as given>", "faces": [{"box": [x1, y1, x2, y2], "label": "mask"|"no_mask"|"incorrect", "score": 0.97}]}
// An image that cannot be read gets {"image": "<path>", "faces": [], "error": "<why>"} and a line on stderr.
// Without --json: one human-readable line per image. Exit 0 when every image was read, 1 when some could not
// be, 2 on bad arguments or models (then nothing is printed on stdout).
import { once } from 'node:events';
import { parseArgs } from 'node:util';

import type { Face } from '@maskwatch/protocol/faces';

import { FacePipeline, type FrameAnalysis } from '../pipeline/FacePipeline.ts';
import { VisionError } from '../VisionError.ts';
import { callerPath } from './callerPath.ts';
import { mapOrdered } from './mapOrdered.ts';
import { parseNumber } from './parseNumber.ts';
import { readList } from './readList.ts';

const USAGE =
  'usage: detect [--json] [--model NAME] [--detector NAME] [--threshold 0.6] [--provider cpu|cuda] [--threads N] (IMAGE... | --images-from LIST)';

/** One stdout line of `detect --json`. */
export type DetectLine = {
  image: string;
  faces: Array<Pick<Face, 'box' | 'label' | 'score'>>;
  error?: string;
};

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

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
      concurrency: { type: 'string' },
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
  const threads = parseNumber('threads', values.threads, 0, (n) => Number.isInteger(n) && n >= 0);
  const concurrency = parseNumber(
    'concurrency',
    values.concurrency,
    2,
    (n) => Number.isInteger(n) && n >= 1 && n <= 16,
  );
  const images = [
    ...positionals,
    ...(values['images-from'] !== undefined ? await readList(values['images-from']) : []),
  ];
  if (images.length === 0) throw new VisionError('INVALID_ARGUMENT', `no images given\n${USAGE}`);

  const started = performance.now();
  const pipeline = await FacePipeline.create({
    ...(values.model !== undefined ? { classifier: values.model } : {}),
    ...(values.detector !== undefined ? { detector: values.detector } : {}),
    detectorOptions: { scoreThreshold: threshold },
    session: { executionProvider: provider, intraOpThreads: threads },
  });
  const quiet = values.quiet === true;
  process.stderr.write(
    `detect: ${images.length} image(s), detector ${pipeline.detector.model.name}, classifier ${pipeline.classifier.model.name} (${pipeline.classifier.executionProvider}), load ${(performance.now() - started).toFixed(0)} ms\n`,
  );
  let failed = 0;
  let faces = 0;
  const t0 = performance.now();
  try {
    type Outcome = { image: string; result?: FrameAnalysis; error?: string };
    await mapOrdered(
      images,
      concurrency,
      async (image): Promise<Outcome> => {
        try {
          return { image, result: await pipeline.analyzeImage(callerPath(image)) };
        } catch (error) {
          return { image, error: error instanceof Error ? error.message : String(error) };
        }
      },
      async ({ image, result, error }) => {
        const line: DetectLine = { image, faces: [] };
        if (result !== undefined) {
          line.faces = result.faces.map((f) => ({
            box: [round(f.box[0], 1), round(f.box[1], 1), round(f.box[2], 1), round(f.box[3], 1)],
            label: f.label,
            score: round(f.score, 4),
          }));
          faces += result.faces.length;
          if (!quiet) {
            const t = result.timings;
            process.stderr.write(
              `detect: ${image}: ${result.faces.length} face(s); decode ${t.decodeMs?.toFixed(1)} ms, detect ${t.detectMs.toFixed(1)} ms, classify ${t.classifyMs.toFixed(1)} ms, total ${t.totalMs.toFixed(1)} ms\n`,
            );
          }
        } else {
          failed++;
          line.error = error ?? 'unknown error';
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
    pipeline.close();
  }
  const s = (performance.now() - t0) / 1000;
  process.stderr.write(
    `detect: ${images.length} image(s), ${faces} face(s), ${failed} unreadable, ${s.toFixed(2)} s (${(images.length / s).toFixed(1)} images/s)\n`,
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
