import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';

import { MaskLabelSchema, type Box, type MaskLabel } from '@maskwatch/protocol/faces';

import { cropFace } from '../image/cropFace.ts';
import type { RgbFrame } from '../image/RgbFrame.ts';
import { packNchw } from '../image/toTensor.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { ResolvedModel } from '../manifest/ModelManifestTypes.ts';
import { createSession } from '../session/createSession.ts';
import { OwnedSession } from '../session/OwnedSession.ts';
import { VisionError } from '../VisionError.ts';
import { decideLabel, decisionRule, type DecisionRule } from './decideLabel.ts';
import type { Classification, MaskClassifierOptions } from './MaskClassifierTypes.ts';

export type { Classification, MaskClassifierOptions } from './MaskClassifierTypes.ts';

/** Mask classifier over face crops; owns one InferenceSession. All faces of a frame go through one run. */
export class MaskClassifier {
  readonly model: ResolvedModel;
  readonly executionProvider: 'cpu' | 'cuda';
  readonly labels: readonly MaskLabel[];
  /** Side of the square crop the model takes. */
  readonly size: number;
  /** False when the model's batch dimension is fixed at 1: crops then run one by one. */
  readonly batched: boolean;
  /** Temperature, τ and r from the manifest's operating point (T = 1 and argmax without one). */
  readonly rule: Readonly<DecisionRule>;
  readonly #session: OwnedSession;
  readonly #inputName: string;
  readonly #outputName: string;
  readonly #logger: Logger;

  private constructor(
    model: ResolvedModel,
    session: ort.InferenceSession,
    executionProvider: 'cpu' | 'cuda',
    labels: MaskLabel[],
    batched: boolean,
  ) {
    this.model = model;
    this.#logger = createLogger('MaskClassifier', { model: model.name });
    this.#session = new OwnedSession(session, this.#logger);
    this.executionProvider = executionProvider;
    this.labels = labels;
    this.size = model.input.size[0];
    this.batched = batched;
    this.rule = Object.freeze(decisionRule(model.operatingPoint));
    this.#inputName = session.inputNames[0] ?? 'input';
    this.#outputName = session.outputNames[0] ?? 'logits';
  }

  static async create(model: ResolvedModel, options: MaskClassifierOptions = {}): Promise<MaskClassifier> {
    if (model.task !== 'classify') {
      throw new VisionError(
        'MODEL_INCOMPATIBLE',
        `model "${model.name}" has task "${model.task}", a classifier needs "classify"`,
      );
    }
    const [h, w] = model.input.size;
    if (h !== w)
      throw new VisionError(
        'MODEL_INCOMPATIBLE',
        `model "${model.name}": face crops are square, input size is ${h}x${w}`,
      );
    const labels = model.labels.map((label) => MaskLabelSchema.parse(label));
    const { session, executionProvider } = await createSession(model.path, options.session);
    let batched = true;
    const meta = session.inputMetadata[0];
    if (meta !== undefined && meta.isTensor) {
      const [n, c, mh, mw] = meta.shape;
      const fits = (dim: number | string | undefined, want: number): boolean => typeof dim !== 'number' || dim === want;
      if (meta.shape.length !== 4 || !fits(c, 3) || !fits(mh, h) || !fits(mw, w)) {
        await session.release();
        throw new VisionError(
          'MODEL_INCOMPATIBLE',
          `model "${model.name}": input shape [${meta.shape.join(', ')}] does not match the manifest's [N, 3, ${h}, ${w}]`,
        );
      }
      batched = typeof n !== 'number';
    }
    const classifier = new MaskClassifier(model, session, executionProvider, labels, batched);
    if (!batched) classifier.#logger.warn('model has a fixed batch size of 1: faces of a frame will run one by one');
    return classifier;
  }

  get closed(): boolean {
    return this.#session.closed;
  }

  /** Crops every box of `frame` (the shared crop function) and classifies them in one run. */
  async classify(frame: RgbFrame, boxes: readonly Box[]): Promise<Classification[]> {
    return this.classifyCrops(boxes.map((box) => cropFace(frame, box, this.size)));
  }

  /** Classifies size x size crops in one run: calibrated probabilities and the operating point's label. */
  async classifyCrops(crops: readonly RgbFrame[]): Promise<Classification[]> {
    const rows = await this.logits(crops);
    return rows.map((logits) => {
      const { label, index, probabilities } = decideLabel(logits, this.labels, this.rule);
      return { label, score: probabilities[index]!, probabilities, logits };
    });
  }

  /** Raw logits, one row per crop. */
  async logits(crops: readonly RgbFrame[]): Promise<number[][]> {
    if (this.#session.closed) throw new VisionError('CLOSED', `MaskClassifier "${this.model.name}" is closed`);
    if (crops.length === 0) return [];
    for (const crop of crops) {
      if (crop.width !== this.size || crop.height !== this.size) {
        throw new VisionError(
          'INVALID_ARGUMENT',
          `model "${this.model.name}" takes ${this.size}x${this.size} crops, got ${crop.width}x${crop.height}`,
        );
      }
    }
    if (!this.batched && crops.length > 1) {
      const rows: number[][] = [];
      for (const crop of crops) rows.push(...(await this.#run([crop])));
      return rows;
    }
    return this.#run(crops);
  }

  /** Releases the session (after any run in progress). Safe to call twice. */
  close(): void {
    this.#session.close();
  }

  async #run(crops: readonly RgbFrame[]): Promise<number[][]> {
    const input = new Tensor('float32', packNchw(crops, this.model.input), [crops.length, 3, this.size, this.size]);
    const results = await this.#session.run({ [this.#inputName]: input });
    const output = results[this.#outputName];
    const k = this.labels.length;
    if (output === undefined || !(output.data instanceof Float32Array) || output.data.length !== crops.length * k) {
      throw new VisionError(
        'MODEL_INCOMPATIBLE',
        `model "${this.model.name}": output "${this.#outputName}" should be float32 [${crops.length}, ${k}], got ${output?.type ?? 'nothing'} [${output?.dims.join(', ') ?? ''}]`,
      );
    }
    const data = output.data;
    return Array.from({ length: crops.length }, (_, n) => Array.from(data.subarray(n * k, (n + 1) * k)));
  }
}
