import type { Face } from '@maskwatch/protocol/faces';

import type { FacePipeline, FrameTimings } from '../pipeline/FacePipeline.ts';

/** One stdout line of `detect --json`. */
export type DetectLine = {
  image: string;
  faces: Array<Pick<Face, 'box' | 'label' | 'score'>>;
  error?: string;
};

/** What one image gave: its faces as printed (rounded), or why it could not be read. */
export type ImageOutcome = {
  faces: DetectLine['faces'];
  error?: string;
  timings?: FrameTimings;
};

/** Which models a pipeline runs, as the command's first stderr line names them. */
export type PipelineModels = { detector: string; classifier: string; executionProvider: 'cpu' | 'cuda' };

/** The models of `pipeline`, wherever it runs (this thread or a worker's ready message). */
export function modelsOf(pipeline: FacePipeline): PipelineModels {
  return {
    detector: pipeline.detector.model.name,
    classifier: pipeline.classifier.model.name,
    executionProvider: pipeline.classifier.executionProvider,
  };
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Decodes, detects and classifies one image file: the one function both the worker threads and the sequential
 * path call, so that they print the same thing. Never throws: a failure is the outcome's `error`.
 */
export async function analyzeForLine(pipeline: FacePipeline, path: string): Promise<ImageOutcome> {
  try {
    const result = await pipeline.analyzeImage(path);
    return {
      faces: result.faces.map((f) => ({
        box: [round(f.box[0], 1), round(f.box[1], 1), round(f.box[2], 1), round(f.box[3], 1)],
        label: f.label,
        score: round(f.score, 4),
      })),
      timings: result.timings,
    };
  } catch (error) {
    return { faces: [], error: error instanceof Error ? error.message : String(error) };
  }
}
