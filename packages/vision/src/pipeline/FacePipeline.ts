import { MASK_LABELS, type Face } from '@maskwatch/protocol/faces';

import { MaskClassifier } from '../classify/MaskClassifier.ts';
import { FaceDetector } from '../detect/FaceDetector.ts';
import { clipBox } from '../image/clipBox.ts';
import { decodeImage } from '../image/decodeImage.ts';
import type { RgbFrame } from '../image/RgbFrame.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';
import { VisionError } from '../VisionError.ts';
import type { FacePipelineOptions, FrameAnalysis } from './FacePipelineTypes.ts';

export type { FacePipelineOptions, FrameAnalysis, FrameTimings } from './FacePipelineTypes.ts';

/**
 * Detector + classifier: every face of a frame found, cropped and classified in one batched run. Owns both
 * sessions, created once; `analyze` does no disk or network I/O.
 */
export class FacePipeline {
  readonly detector: FaceDetector;
  readonly classifier: MaskClassifier;
  /** For each of MASK_LABELS, its index in the classifier's output (-1: the model has no such label). */
  readonly #labelIndex: number[];
  #closed = false;

  private constructor(detector: FaceDetector, classifier: MaskClassifier) {
    this.detector = detector;
    this.classifier = classifier;
    this.#labelIndex = MASK_LABELS.map((label) => classifier.labels.indexOf(label));
  }

  static async create(options: FacePipelineOptions = {}): Promise<FacePipeline> {
    const manifest = options.manifest ?? ModelManifest.load();
    // Resolve both models (sha256 included) before creating any session.
    const detectorModel = manifest.detector(options.detector);
    const classifierModel = manifest.classifier(options.classifier);
    const session = options.session ?? {};
    const detector = await FaceDetector.create(detectorModel, { ...options.detectorOptions, session });
    try {
      const classifier = await MaskClassifier.create(classifierModel, { session });
      return new FacePipeline(detector, classifier);
    } catch (error) {
      detector.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  async analyze(frame: RgbFrame): Promise<FrameAnalysis> {
    if (this.#closed) throw new VisionError('CLOSED', 'FacePipeline is closed');
    const t0 = performance.now();
    const detected = await this.detector.detect(frame);
    const t1 = performance.now();
    const classes = await this.classifier.classify(
      frame,
      detected.map((d) => d.box),
    );
    const t2 = performance.now();
    const faces: Face[] = detected.map((d, i) => {
      const c = classes[i]!;
      return {
        box: clipBox(d.box, frame.width, frame.height),
        label: c.label,
        score: c.score,
        detScore: Math.min(1, Math.max(0, d.score)),
      };
    });
    const probabilities = classes.map((c) => this.inMaskLabelOrder(c.probabilities));
    return { faces, probabilities, timings: { detectMs: t1 - t0, classifyMs: t2 - t1, totalMs: t2 - t0 } };
  }

  /** A classifier's probabilities rearranged in MASK_LABELS order (0 for a label the model lacks). */
  inMaskLabelOrder(probabilities: readonly number[]): number[] {
    return this.#labelIndex.map((k) => (k >= 0 ? probabilities[k]! : 0));
  }

  /** Decodes an encoded image (path or bytes) then analyzes it; `timings.decodeMs` is set and counted in totalMs. */
  async analyzeImage(source: string | Uint8Array): Promise<FrameAnalysis & { width: number; height: number }> {
    if (this.#closed) throw new VisionError('CLOSED', 'FacePipeline is closed');
    const t0 = performance.now();
    const frame = await decodeImage(source);
    const decodeMs = performance.now() - t0;
    const result = await this.analyze(frame);
    return {
      ...result,
      width: frame.width,
      height: frame.height,
      timings: { ...result.timings, decodeMs, totalMs: result.timings.totalMs + decodeMs },
    };
  }

  /** Closes both sessions. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.detector.close();
    this.classifier.close();
  }
}
