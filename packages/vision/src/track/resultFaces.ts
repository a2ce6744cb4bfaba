import type { Face } from '@maskwatch/protocol/faces';

import type { TrackedFace } from './FaceTrackerTypes.ts';

/**
 * The faces of one tracked frame as a result carries them (what the inference node sends): weak detections only
 * serve to continue tracks (ByteTrack's second stage), so alone they are not faces; a face carries its track's
 * look (or, before it has an id, its own) for the alert rule.
 */
export function resultFaces(faces: readonly TrackedFace[], highScore: number): Face[] {
  return faces
    .filter((face) => face.trackAge > 0 || face.detScore >= highScore)
    .map((face) => ({
      box: face.box,
      label: face.label,
      score: face.score,
      detScore: face.detScore,
      ...(face.trackId !== undefined ? { trackId: face.trackId } : {}),
      ...(face.trackKey !== undefined ? { trackKey: face.trackKey } : {}),
      trackLabel: face.trackLabel,
      trackScore: face.trackScore,
      trackAge: face.trackAge,
      ...(face.trackAppearance !== undefined
        ? { appearance: face.trackAppearance }
        : face.appearance !== undefined
          ? { appearance: [...face.appearance] }
          : {}),
    }));
}
