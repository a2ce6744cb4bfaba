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
  session?: SessionConfig;
};

/** How a frame is fed to the network: scaled by `scale`, then padded to padWidth x padHeight. */
export type InputPlan = {
  scale: number;
  width: number;
  height: number;
  padWidth: number;
  padHeight: number;
};
