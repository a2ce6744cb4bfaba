import type { ModelInput, ModelTask, OperatingPoint } from './manifestSchema.ts';

/** A manifest entry whose file was found and whose sha256 was checked. */
export type ResolvedModel = {
  name: string;
  task: ModelTask;
  /** Absolute path of the model file. */
  path: string;
  sha256: string;
  input: ModelInput;
  labels: string[];
  metrics?: Record<string, unknown>;
  trainingRun?: string;
  /** A classifier's calibrated operating point (temperature, τ, r), when the manifest declares one. */
  operatingPoint?: OperatingPoint;
};

export type ModelManifestOptions = {
  /** Manifest file; default: env MASKWATCH_MODELS_MANIFEST, else `<repo root>/models/manifest.json`. */
  path?: string;
  /** Folder that model `file` paths are relative to; default: the repository root. */
  rootDir?: string;
};
