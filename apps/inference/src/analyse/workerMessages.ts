import type { BatchFrameAnalysis, BatchOptions } from '@maskwatch/vision/pipeline/analyzeBatch';
import type { DecisionRule } from '@maskwatch/vision/classify/decideLabel';
import type { FacePipelineOptions } from '@maskwatch/vision/pipeline/FacePipeline';

/** What the analysis worker is started with (workerData). */
export type WorkerInit = Pick<FacePipelineOptions, 'detector' | 'classifier' | 'session' | 'detectorOptions'> & {
  /** How every batch is analysed (the face-shape check). */
  batch?: BatchOptions;
};

/** The models the worker loaded and how it runs them. */
export type WorkerInfo = {
  executionProvider: 'cpu' | 'cuda';
  detector: string;
  classifier: string;
  classifierSha256: string;
  /** The classifier's operating point (manifest): its labels follow it, and so must the track vote. */
  classifierRule: DecisionRule;
};

export type WireFrame = { width: number; height: number; data: Uint8Array };

export type ToWorker = { type: 'analyse'; id: number; frames: WireFrame[] };

export type FromWorker =
  | { type: 'ready'; info: WorkerInfo }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; results: BatchFrameAnalysis[]; frames: Uint8Array[] }
  | { type: 'failed'; id: number; message: string; frames: Uint8Array[] };
