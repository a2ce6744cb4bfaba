import { VisionError } from '../VisionError.ts';
import type { DetectedFace } from './FaceDetectorTypes.ts';

export const YUNET_STRIDES = [8, 16, 32] as const;

/** The model's output names: cls/obj/bbox/kps per stride. */
export const YUNET_OUTPUT_NAMES: readonly string[] = YUNET_STRIDES.flatMap((s) => [
  `cls_${s}`,
  `obj_${s}`,
  `bbox_${s}`,
  `kps_${s}`,
]);

export type YunetOutputs = Readonly<Record<string, Float32Array | undefined>>;

/**
 * Turns YuNet's raw outputs for a padWidth x padHeight input into faces in input pixels, before NMS.
 * One anchor per cell, row-major; score = sqrt(cls * obj) (both clamped to 0..1);
 * cx = (col + d0) * s, cy = (row + d1) * s, w = exp(d2) * s, h = exp(d3) * s; landmarks (col + k, row + k') * s.
 */
export function decodeYunet(
  outputs: YunetOutputs,
  padWidth: number,
  padHeight: number,
  scoreThreshold: number,
): DetectedFace[] {
  const faces: DetectedFace[] = [];
  for (const s of YUNET_STRIDES) {
    const cols = Math.floor(padWidth / s);
    const rows = Math.floor(padHeight / s);
    const cls = outputs[`cls_${s}`];
    const obj = outputs[`obj_${s}`];
    const bbox = outputs[`bbox_${s}`];
    const kps = outputs[`kps_${s}`];
    if (cls === undefined || obj === undefined || bbox === undefined || kps === undefined) {
      throw new VisionError(
        'MODEL_INCOMPATIBLE',
        `YuNet output for stride ${s} missing (need ${YUNET_OUTPUT_NAMES.join(', ')})`,
      );
    }
    const anchors = rows * cols;
    if (
      cls.length !== anchors ||
      obj.length !== anchors ||
      bbox.length !== anchors * 4 ||
      kps.length !== anchors * 10
    ) {
      throw new VisionError(
        'MODEL_INCOMPATIBLE',
        `YuNet stride ${s}: expected ${anchors} anchors for a ${padWidth}x${padHeight} input, got cls ${cls.length}, obj ${obj.length}, bbox ${bbox.length / 4}, kps ${kps.length / 10}`,
      );
    }
    for (let i = 0; i < anchors; i++) {
      const c = Math.min(Math.max(cls[i]!, 0), 1);
      const o = Math.min(Math.max(obj[i]!, 0), 1);
      const score = Math.sqrt(c * o);
      if (!(score >= scoreThreshold)) continue;
      const row = Math.floor(i / cols);
      const col = i - row * cols;
      const cx = (col + bbox[i * 4]!) * s;
      const cy = (row + bbox[i * 4 + 1]!) * s;
      const w = Math.exp(bbox[i * 4 + 2]!) * s;
      const h = Math.exp(bbox[i * 4 + 3]!) * s;
      const landmarks: Array<[number, number]> = [];
      for (let k = 0; k < 5; k++) {
        landmarks.push([(col + kps[i * 10 + 2 * k]!) * s, (row + kps[i * 10 + 2 * k + 1]!) * s]);
      }
      faces.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, landmarks });
    }
  }
  return faces;
}
