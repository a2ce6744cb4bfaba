import type { Box } from '@maskwatch/protocol/faces';

/** One line of `index.jsonl`, written by the crops command for every image of the list, in list order. */
export type CropRecord = {
  /** The path exactly as the list gave it. */
  image: string;
  /** Absolute path of the PNG written; null when the image could not be read (`error`) or with `--boxes-only`. */
  crop: string | null;
  /** Whether a face was found; false: the crop is the image's centred square. */
  detected: boolean;
  /**
   * detected: the detector box of the best face (the crop is the square around it, margin 0.15);
   * not detected: the centred square that was cropped; null when the image could not be read.
   * Original-image pixels, 1 decimal.
   */
  box: Box | null;
  /** Detector score of that face; 0 when none was found; null when the image could not be read. */
  score: number | null;
  /** Faces found above the threshold (the crop is of the best one). */
  faces: number;
  /**
   * With `--all-faces`: every face found above the threshold, best first, each with its own crop
   * (`<n>_<k>.png`, cropFace of that box; null with `--boxes-only`). Absent otherwise.
   */
  allFaces?: Array<{ crop: string | null; box: Box; score: number }>;
  /** Original image size [width, height] after EXIF rotation. */
  imageSize?: [number, number];
  error?: string;
};
