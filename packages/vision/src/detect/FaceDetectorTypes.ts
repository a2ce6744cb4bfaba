import type { Box } from '@maskwatch/protocol/faces';

import type { SessionConfig } from '../session/SessionConfig.ts';

/** A face as the detector sees it, in pixels of the frame given to `detect`. */
export type DetectedFace = {
  box: Box;
  /** sqrt(cls * obj), 0..1. */
  score: number;
  /** Right eye, left eye, nose tip, right and left mouth corners, as [x, y]. */
  landmarks: Array<[number, number]>;
};

export type FaceDetectorOptions = {
  /** Faces scoring below this are dropped (0..1). Default 0.6; the crops command uses 0.3. */
  scoreThreshold?: number;
  /** Non-maximum suppression: a box overlapping a better one by more than this IoU is dropped. Default 0.3. */
  nmsIouThreshold?: number;
  /** At most this many faces per frame, best first. Default 200. */
  maxFaces?: number;
  /** Frames whose shorter side is below this are upscaled to it, so small faces reach YuNet's range. Default 320. */
  minInputSide?: number;
  /** Upscaling never exceeds this factor. Default 4. */
  maxUpscale?: number;
  /** Frames whose longer side exceeds this are downscaled to it, bounding the cost per frame. Default 960. */
  maxInputSide?: number;
  /**
   * Faces this small (frame pixels) are looked for in a second pass over tiles when the whole-frame pass shrinks
   * them below `tileTrigger` x `tileFaceSide` (a large photo): the frame is sampled at the scale that brings them to
   * `tileFaceSide`, in tiles of `tileSide`, and the boxes of both passes merged by NMS. Default: no second pass.
   */
  minFaceSide?: number;
  /** What a `minFaceSide` face measures in the tile pass (YuNet finds faces down to about this). Default 20. */
  tileFaceSide?: number;
  /** The tile pass runs when the whole-frame pass sees a `minFaceSide` face below this share of `tileFaceSide`. Default 0.8. */
  tileTrigger?: number;
  /** Side of a tile, in pixels of the scaled frame (a multiple of the model's stride). Default 640. */
  tileSide?: number;
  /** Tiles overlap by at least this (scaled pixels): a face up to this size lies whole in some tile. Default 96. */
  tileOverlap?: number;
  session?: SessionConfig;
};

/** The tile pass for a frame: the frame sampled at `scale` (width x height), `tiles` in pixels of that scaled frame. */
export type TilePlan = {
  scale: number;
  width: number;
  height: number;
  tiles: Array<{ x: number; y: number; width: number; height: number }>;
};

/** A width x height picture sampled from a frame from (x0, y0) with steps (stepX, stepY): sampleBilinear's window. */
export type SampleWindow = { x0: number; y0: number; stepX: number; stepY: number; width: number; height: number };

/** How a frame is fed to the network: scaled by `scale`, then padded to padWidth x padHeight. */
export type InputPlan = {
  scale: number;
  width: number;
  height: number;
  padWidth: number;
  padHeight: number;
};
