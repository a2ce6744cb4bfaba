import type { FacePipelineOptions } from '../pipeline/FacePipeline.ts';
import type { ImageOutcome, PipelineModels } from './analyzeForLine.ts';

/** What a detect worker is started with (workerData). */
export type DetectWorkerInit = Pick<FacePipelineOptions, 'detector' | 'classifier' | 'session' | 'detectorOptions'> & {
  /** libvips threads for one decode (sharp.concurrency). */
  decodeThreads: number;
};

export type ToDetectWorker = { type: 'analyze'; id: number; path: string } | { type: 'close' };

export type FromDetectWorker =
  | ({ type: 'ready' } & PipelineModels)
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; outcome: ImageOutcome };
