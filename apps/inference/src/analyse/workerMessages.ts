import type { BatchOptions } from '@maskwatch/vision/pipeline/analyzeBatch';
import type { DecisionRule } from '@maskwatch/vision/classify/decideLabel';
import type { FacePipelineOptions } from '@maskwatch/vision/pipeline/FacePipeline';
import type { PlannerOptions } from './plan/CameraPlanner.ts';
import type { LiveFrameAnalysis } from './plan/analyseLiveBatch.ts';

/** What the analysis worker is started with (workerData): the models, and how each camera's frames are planned. */
export type WorkerInit = Pick<FacePipelineOptions, 'detector' | 'classifier' | 'session' | 'detectorOptions'> & {
  planner?: Partial<PlannerOptions>;
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

/** A frame for the worker: whose it is (each camera has its own plan) and when it was captured (ms). */
export type WireFrame = { cameraId: string; at: number; width: number; height: number; data: Uint8Array };

export type ToWorker =
  | { type: 'analyse'; id: number; frames: WireFrame[] }
  /** The camera left this node: its plan goes. */
  | { type: 'forget'; cameraId: string };

export type FromWorker =
  | { type: 'ready'; info: WorkerInfo }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; results: LiveFrameAnalysis[]; frames: Uint8Array[] }
  | { type: 'failed'; id: number; message: string; frames: Uint8Array[] };
