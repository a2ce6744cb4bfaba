import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { z } from 'zod';

import { resizeBilinear } from '../image/resizeBilinear.ts';
import { assertRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';
import { writeChw } from '../image/toTensor.ts';
import { createLogger } from '../logger.ts';
import type { ResolvedModel } from '../manifest/ModelManifestTypes.ts';
import { createSession } from '../session/createSession.ts';
import { OwnedSession } from '../session/OwnedSession.ts';
import { VisionError } from '../VisionError.ts';
import { decodeYunet, YUNET_OUTPUT_NAMES, type YunetOutputs } from './decodeYunet.ts';
import type { DetectedFace, FaceDetectorOptions, InputPlan } from './FaceDetectorTypes.ts';
import { nms } from './nms.ts';

export type { DetectedFace, FaceDetectorOptions, InputPlan } from './FaceDetectorTypes.ts';

const OptionsSchema = z.object({
  scoreThreshold: z.number().min(0).max(1).default(0.6),
  nmsIouThreshold: z.number().min(0).max(1).default(0.3),
  maxFaces: z.number().int().positive().default(200),
  minInputSide: z.number().int().positive().default(320),
  maxUpscale: z.number().min(1).default(4),
  maxInputSide: z.number().int().positive().default(960),
});
type ResolvedOptions = z.output<typeof OptionsSchema>;

/** YuNet face detector; owns one InferenceSession. */
export class FaceDetector {
  readonly model: ResolvedModel;
  readonly executionProvider: 'cpu' | 'cuda';
  readonly options: Readonly<ResolvedOptions>;
  readonly #session: OwnedSession;
  readonly #inputName: string;
  readonly #multiple: number;

  private constructor(
    model: ResolvedModel,
    session: ort.InferenceSession,
    executionProvider: 'cpu' | 'cuda',
    options: ResolvedOptions,
  ) {
    this.model = model;
    this.#session = new OwnedSession(session, createLogger('FaceDetector', { model: model.name }));
    this.executionProvider = executionProvider;
    this.options = options;
    this.#inputName = session.inputNames[0] ?? 'input';
    this.#multiple = model.input.sizeMultiple ?? 32;
  }

  static async create(model: ResolvedModel, options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    if (model.task !== 'detect') {
      throw new VisionError(
        'MODEL_INCOMPATIBLE',
        `model "${model.name}" has task "${model.task}", a detector needs "detect"`,
      );
    }
    const { session: sessionConfig, ...rest } = options;
    const parsed = OptionsSchema.safeParse(rest);
    if (!parsed.success) {
      throw new VisionError(
        'INVALID_ARGUMENT',
        `detector options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const { session, executionProvider } = await createSession(model.path, sessionConfig);
    const missing = YUNET_OUTPUT_NAMES.filter((name) => !session.outputNames.includes(name));
    if (session.inputNames.length !== 1 || missing.length > 0) {
      await session.release();
      throw new VisionError(
        'MODEL_INCOMPATIBLE',
        `model "${model.name}" (${model.path}) is not a YuNet detector: inputs [${session.inputNames.join(', ')}], missing outputs [${missing.join(', ')}]`,
      );
    }
    return new FaceDetector(model, session, executionProvider, parsed.data);
  }

  get closed(): boolean {
    return this.#session.closed;
  }

  /** The network input for a width x height frame: upscale small frames, downscale large ones, pad to the multiple. */
  planInput(width: number, height: number): InputPlan {
    const { minInputSide, maxUpscale, maxInputSide } = this.options;
    const shorter = Math.min(width, height);
    const longer = Math.max(width, height);
    let scale = 1;
    if (longer > maxInputSide) scale = maxInputSide / longer;
    else if (shorter < minInputSide) scale = Math.min(minInputSide / shorter, maxUpscale, maxInputSide / longer);
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const m = this.#multiple;
    return { scale, width: w, height: h, padWidth: Math.ceil(w / m) * m, padHeight: Math.ceil(h / m) * m };
  }

  /** Faces in `frame`, best first, boxes and landmarks in the frame's pixels (boxes may reach past its edges). */
  async detect(frame: RgbFrame, overrides: { scoreThreshold?: number } = {}): Promise<DetectedFace[]> {
    if (this.#session.closed) throw new VisionError('CLOSED', `FaceDetector "${this.model.name}" is closed`);
    assertRgbFrame(frame);
    const plan = this.planInput(frame.width, frame.height);
    const scaled = resizeBilinear(frame, plan.width, plan.height);
    const input = new Float32Array(3 * plan.padWidth * plan.padHeight);
    writeChw(scaled, this.model.input, input, 0, plan.padWidth, plan.padHeight);
    const tensor = new Tensor('float32', input, [1, 3, plan.padHeight, plan.padWidth]);

    const results = await this.#session.run({ [this.#inputName]: tensor });
    const outputs: Record<string, Float32Array> = {};
    for (const name of YUNET_OUTPUT_NAMES) {
      const value = results[name];
      if (value === undefined || !(value.data instanceof Float32Array)) {
        throw new VisionError('MODEL_INCOMPATIBLE', `YuNet output "${name}" missing or not float32`);
      }
      outputs[name] = value.data;
    }
    const threshold = overrides.scoreThreshold ?? this.options.scoreThreshold;
    const candidates = decodeYunet(outputs as YunetOutputs, plan.padWidth, plan.padHeight, threshold);
    const kept = nms(candidates, this.options.nmsIouThreshold, this.options.maxFaces);
    // Map back with the exact per-axis factors the resize used.
    const sx = frame.width / plan.width;
    const sy = frame.height / plan.height;
    return kept.map((face) => ({
      box: [face.box[0] * sx, face.box[1] * sy, face.box[2] * sx, face.box[3] * sy],
      score: face.score,
      landmarks: face.landmarks.map(([x, y]): [number, number] => [x * sx, y * sy]),
    }));
  }

  /** Releases the session (after any run in progress). Safe to call twice. */
  close(): void {
    this.#session.close();
  }
}
