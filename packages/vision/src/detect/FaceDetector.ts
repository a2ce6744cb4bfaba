import type * as ort from 'onnxruntime-node';
import type { Box } from '@maskwatch/protocol/faces';
import { Tensor } from 'onnxruntime-node';
import { z } from 'zod';

import { assertRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';
import { sampleBilinear } from '../image/sampleBilinear.ts';
import { writeChw } from '../image/toTensor.ts';
import { createLogger } from '../logger.ts';
import type { ResolvedModel } from '../manifest/ModelManifestTypes.ts';
import { createSession } from '../session/createSession.ts';
import { OwnedSession } from '../session/OwnedSession.ts';
import { VisionError } from '../VisionError.ts';
import { BufferPool } from './BufferPool.ts';
import { decodeYunet, YUNET_OUTPUT_NAMES, type YunetOutputs } from './decodeYunet.ts';
import type { DetectedFace, FaceDetectorOptions, InputPlan, SampleWindow, TilePlan } from './FaceDetectorTypes.ts';
import { nms } from './nms.ts';
import { planTiles } from './planTiles.ts';

export type { DetectedFace, FaceDetectorOptions, InputPlan, TilePlan } from './FaceDetectorTypes.ts';

const OptionsSchema = z.object({
  scoreThreshold: z.number().min(0).max(1).default(0.6),
  nmsIouThreshold: z.number().min(0).max(1).default(0.3),
  maxFaces: z.number().int().positive().default(200),
  minInputSide: z.number().int().positive().default(320),
  maxUpscale: z.number().min(1).default(4),
  maxInputSide: z.number().int().positive().default(960),
  minFaceSide: z.number().positive().optional(),
  tileFaceSide: z.number().positive().default(20),
  tileTrigger: z.number().positive().max(1).default(0.8),
  tileSide: z.number().int().positive().default(640),
  tileOverlap: z.number().int().nonnegative().default(96),
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
  // Input tensors and scaled frames, reused from image to image (several may be in flight at once).
  readonly #tensors = new BufferPool((n) => new Float32Array(n));
  readonly #pixels = new BufferPool((n) => new Uint8Array(n));

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
    const multiple = model.input.sizeMultiple ?? 32;
    if (parsed.data.tileSide % multiple !== 0 || parsed.data.tileOverlap >= parsed.data.tileSide) {
      await session.release();
      throw new VisionError(
        'INVALID_ARGUMENT',
        `detector options: tileSide ${parsed.data.tileSide} must be a multiple of ${multiple} and exceed tileOverlap ${parsed.data.tileOverlap}`,
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

  /**
   * The tile pass a width x height frame gets (null: none, the whole-frame pass already sees `minFaceSide` faces
   * large enough). A frame smaller than a tile at the tile scale is one tile: the pass is then the frame, larger.
   */
  planTilePass(width: number, height: number): TilePlan | null {
    const { minFaceSide, tileFaceSide, tileTrigger, tileSide, tileOverlap } = this.options;
    if (minFaceSide === undefined) return null;
    const scale = Math.min(1, tileFaceSide / minFaceSide);
    if (this.planInput(width, height).scale >= tileTrigger * scale) return null;
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    return { scale, width: w, height: h, tiles: planTiles(w, h, tileSide, tileOverlap) };
  }

  /**
   * Faces in `frame`, best first, boxes and landmarks in the frame's pixels (boxes may reach past its edges). With
   * `minFaceSide` set, a large frame gets a second pass over tiles (see `planTilePass`), unless `tiles` is false.
   */
  async detect(frame: RgbFrame, overrides: { scoreThreshold?: number; tiles?: boolean } = {}): Promise<DetectedFace[]> {
    if (this.#session.closed) throw new VisionError('CLOSED', `FaceDetector "${this.model.name}" is closed`);
    assertRgbFrame(frame);
    const threshold = overrides.scoreThreshold ?? this.options.scoreThreshold;
    const plan = this.planInput(frame.width, frame.height);
    // Map back with the exact per-axis factors the resize used.
    const whole = await this.#pass(
      frame,
      {
        x0: 0,
        y0: 0,
        stepX: frame.width / plan.width,
        stepY: frame.height / plan.height,
        width: plan.width,
        height: plan.height,
      },
      threshold,
    );
    const tilePlan = overrides.tiles === false ? null : this.planTilePass(frame.width, frame.height);
    if (tilePlan === null) return nms(whole, this.options.nmsIouThreshold, this.options.maxFaces);

    const step = 1 / tilePlan.scale;
    const found = nms(whole, this.options.nmsIouThreshold);
    const edge = 4;
    for (const tile of tilePlan.tiles) {
      const faces = await this.#pass(
        frame,
        { x0: tile.x * step, y0: tile.y * step, stepX: step, stepY: step, width: tile.width, height: tile.height },
        threshold,
      );
      // A face cut by an edge shared with another tile is found whole in that tile (they overlap by more than the
      // small faces this pass is for): drop the cut one, whose box stops at the edge.
      const x1 = tile.x > 0 ? (tile.x + edge) * step : -Infinity;
      const y1 = tile.y > 0 ? (tile.y + edge) * step : -Infinity;
      const x2 = tile.x + tile.width < tilePlan.width ? (tile.x + tile.width - edge) * step : Infinity;
      const y2 = tile.y + tile.height < tilePlan.height ? (tile.y + tile.height - edge) * step : Infinity;
      for (const face of faces) {
        const [bx1, by1, bx2, by2] = face.box;
        if (bx1 >= x1 && by1 >= y1 && bx2 <= x2 && by2 <= y2) found.push(face);
      }
    }
    return nms(found, this.options.nmsIouThreshold, this.options.maxFaces);
  }

  /**
   * Faces inside `region` of `frame` (frame pixels), the region sampled at `scale` (1: the frame's own pixels), best
   * first, boxes in frame pixels. For live analysis: the detector looks only where faces were and where the picture
   * moved, at full resolution, instead of the whole frame scaled down.
   */
  async detectRegion(
    frame: RgbFrame,
    region: Box,
    { scale = 1, scoreThreshold }: { scale?: number; scoreThreshold?: number } = {},
  ): Promise<DetectedFace[]> {
    if (this.#session.closed) throw new VisionError('CLOSED', `FaceDetector "${this.model.name}" is closed`);
    assertRgbFrame(frame);
    const x1 = Math.max(0, Math.floor(region[0]));
    const y1 = Math.max(0, Math.floor(region[1]));
    const x2 = Math.min(frame.width, Math.ceil(region[2]));
    const y2 = Math.min(frame.height, Math.ceil(region[3]));
    if (x2 <= x1 || y2 <= y1 || !(scale > 0)) return [];
    const width = Math.max(1, Math.round((x2 - x1) * scale));
    const height = Math.max(1, Math.round((y2 - y1) * scale));
    const window = { x0: x1, y0: y1, stepX: (x2 - x1) / width, stepY: (y2 - y1) / height, width, height };
    const faces = await this.#pass(frame, window, scoreThreshold ?? this.options.scoreThreshold);
    return nms(faces, this.options.nmsIouThreshold, this.options.maxFaces);
  }

  /**
   * One network run on the picture `window` samples from `frame` (see sampleBilinear), padded to the model's
   * multiple. Faces before NMS, in frame pixels.
   */
  async #pass(frame: RgbFrame, window: SampleWindow, threshold: number): Promise<DetectedFace[]> {
    const { x0, y0, stepX, stepY, width, height } = window;
    const padWidth = Math.ceil(width / this.#multiple) * this.#multiple;
    const padHeight = Math.ceil(height / this.#multiple) * this.#multiple;
    const identity = x0 === 0 && y0 === 0 && width === frame.width && height === frame.height;
    const pixels = identity ? undefined : this.#pixels.take(width * height * 3);
    const input = this.#tensors.take(3 * padWidth * padHeight);
    try {
      const picture = identity ? frame : sampleBilinear(frame, x0, y0, stepX, stepY, width, height, pixels);
      writeChw(picture, this.model.input, input, 0, padWidth, padHeight);
      const tensor = new Tensor('float32', input, [1, 3, padHeight, padWidth]);
      const results = await this.#session.run({ [this.#inputName]: tensor });
      const outputs: Record<string, Float32Array> = {};
      for (const name of YUNET_OUTPUT_NAMES) {
        const value = results[name];
        if (value === undefined || !(value.data instanceof Float32Array)) {
          throw new VisionError('MODEL_INCOMPATIBLE', `YuNet output "${name}" missing or not float32`);
        }
        outputs[name] = value.data;
      }
      return decodeYunet(outputs as YunetOutputs, padWidth, padHeight, threshold).map((face) => ({
        box: [x0 + face.box[0] * stepX, y0 + face.box[1] * stepY, x0 + face.box[2] * stepX, y0 + face.box[3] * stepY],
        score: face.score,
        landmarks: face.landmarks.map(([x, y]): [number, number] => [x0 + x * stepX, y0 + y * stepY]),
      }));
    } finally {
      if (pixels !== undefined) this.#pixels.give(pixels);
      this.#tensors.give(input);
    }
  }

  /** Releases the session (after any run in progress). Safe to call twice. */
  close(): void {
    this.#session.close();
  }
}
