import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { VisionError } from '../VisionError.ts';
import { findRepoRoot } from './findRepoRoot.ts';
import { ManifestSchema, type Manifest, type ModelTask, type OperatingPoint } from './manifestSchema.ts';
import type { ModelManifestOptions, ResolvedModel } from './ModelManifestTypes.ts';

export type { ModelManifestOptions, ResolvedModel } from './ModelManifestTypes.ts';

/**
 * `models/manifest.json`, parsed. Models are picked by name; a model's file is hashed the first time it is
 * picked (not for every entry at load), so that a classifier still being exported does not stop the crops
 * command, which needs only the detector.
 */
export class ModelManifest {
  readonly path: string;
  readonly rootDir: string;
  readonly #manifest: Manifest;
  readonly #resolved = new Map<string, ResolvedModel>();

  private constructor(path: string, rootDir: string, manifest: Manifest) {
    this.path = path;
    this.rootDir = rootDir;
    this.#manifest = manifest;
  }

  static defaultPath(): string {
    const fromEnv = process.env.MASKWATCH_MODELS_MANIFEST;
    if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
    return join(findRepoRoot(), 'models', 'manifest.json');
  }

  static load(options: ModelManifestOptions = {}): ModelManifest {
    const path = resolve(options.path ?? ModelManifest.defaultPath());
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new VisionError('MANIFEST_NOT_FOUND', `cannot read model manifest ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return ModelManifest.parse(text, path, options.rootDir ?? findRepoRoot());
  }

  /** Parses manifest JSON text; `path` only names the source in errors. */
  static parse(text: string, path: string, rootDir: string): ModelManifest {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new VisionError('MANIFEST_INVALID', `${path}: not JSON: ${(error as Error).message}`, { cause: error });
    }
    const result = ManifestSchema.safeParse(json);
    if (!result.success) {
      const lines = result.error.issues.map(
        (issue) => `  ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
      );
      throw new VisionError('MANIFEST_INVALID', `${path}: invalid model manifest:\n${lines.join('\n')}`);
    }
    return new ModelManifest(path, resolve(rootDir), result.data);
  }

  /** Model names, optionally only those of one task, in manifest order. */
  names(task?: ModelTask): string[] {
    return Object.entries(this.#manifest.models)
      .filter(([, entry]) => task === undefined || entry.task === task)
      .map(([name]) => name);
  }

  hasClassifier(): boolean {
    return this.names('classify').length > 0;
  }

  defaultName(kind: 'classifier' | 'detector'): string | undefined {
    return this.#manifest.default[kind];
  }

  /**
   * The declared operating point of a model (undefined when it declares none or is not in the manifest). Read
   * from the entry alone, without the model file: the server reads it for the alert rule, the node has the file.
   */
  operatingPoint(name: string): OperatingPoint | undefined {
    return Object.hasOwn(this.#manifest.models, name) ? this.#manifest.models[name]?.operatingPoint : undefined;
  }

  /** The named classifier, or the default one. */
  classifier(name?: string): ResolvedModel {
    return this.#pick('classifier', 'classify', name);
  }

  /** The named detector, or the default one. */
  detector(name?: string): ResolvedModel {
    return this.#pick('detector', 'detect', name);
  }

  /** Any model by name; its file is found and its sha256 checked (once per manifest object). */
  get(name: string): ResolvedModel {
    const cached = this.#resolved.get(name);
    if (cached !== undefined) return cached;
    const entry = this.#manifest.models[name];
    if (entry === undefined) {
      throw new VisionError(
        'MODEL_NOT_FOUND',
        `model "${name}" is not in ${this.path} (it has: ${this.names().join(', ') || 'none'})`,
      );
    }
    const file = isAbsolute(entry.file) ? entry.file : resolve(this.rootDir, entry.file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new VisionError(
        'MODEL_FILE_MISSING',
        `model "${name}": cannot read ${file} (declared in ${this.path}): ${(error as Error).message}`,
        { cause: error },
      );
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== entry.sha256.toLowerCase()) {
      throw new VisionError(
        'MODEL_CHECKSUM_MISMATCH',
        `model "${name}": ${file} has sha256 ${actual}, the manifest ${this.path} says ${entry.sha256}`,
      );
    }
    const resolved: ResolvedModel = {
      name,
      task: entry.task,
      path: file,
      sha256: actual,
      input: entry.input,
      labels: entry.labels,
      ...(entry.metrics !== undefined ? { metrics: entry.metrics } : {}),
      ...(entry.trainingRun !== undefined ? { trainingRun: entry.trainingRun } : {}),
      ...(entry.operatingPoint !== undefined ? { operatingPoint: entry.operatingPoint } : {}),
    };
    this.#resolved.set(name, resolved);
    return resolved;
  }

  #pick(kind: 'classifier' | 'detector', task: ModelTask, name: string | undefined): ResolvedModel {
    const chosen = name ?? this.#manifest.default[kind] ?? this.names(task)[0];
    if (chosen === undefined) {
      throw new VisionError('MODEL_NOT_FOUND', `${this.path} declares no ${kind} (task "${task}")`);
    }
    const model = this.get(chosen);
    if (model.task !== task) {
      throw new VisionError(
        'MODEL_NOT_FOUND',
        `model "${chosen}" in ${this.path} is a "${model.task}" model, not a ${kind}`,
      );
    }
    return model;
  }
}
