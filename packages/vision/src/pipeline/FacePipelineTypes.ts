import type { Face } from '@maskwatch/protocol/faces';

import type { FaceDetectorOptions } from '../detect/FaceDetectorTypes.ts';
import type { ModelManifest } from '../manifest/ModelManifest.ts';
import type { SessionConfig } from '../session/SessionConfig.ts';

export type FacePipelineOptions = {
  /** Default: `ModelManifest.load()`. */
  manifest?: ModelManifest;
  /** Detector name in the manifest; default: the manifest's default detector. */
  detector?: string;
  /** Classifier name in the manifest; default: the manifest's default classifier. */
  classifier?: string;
  detectorOptions?: Omit<FaceDetectorOptions, 'session'>;
  /** Execution provider and thread counts, for both sessions. */
  session?: SessionConfig;
};

export type FrameTimings = {
  decodeMs?: number;
  detectMs: number;
  classifyMs: number;
  totalMs: number;
};

export type FrameAnalysis = {
  /** Boxes in frame pixels, clipped to the frame; best detector score first. */
  faces: Face[];
  /** Per face (same order), the classifier's probabilities in MASK_LABELS order (0 for a label the model lacks): what the tracker votes on. */
  probabilities: number[][];
  timings: FrameTimings;
};
