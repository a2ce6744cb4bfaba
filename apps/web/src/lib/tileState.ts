/**
 * What a console tile and the header say about a camera, from the server's camera state and whether that state is
 * current. While the console is cut off from the server nobody knows what the camera does: every tile says
 * "unknown" (not the LIVE it last heard), and the header no live count.
 */
import type { CameraStatus, CameraView } from '@maskwatch/protocol/camera';

export type TileStatus = CameraStatus | 'unknown';

export function tileStatus(camera: CameraView, current: boolean): TileStatus {
  return current ? camera.status : 'unknown';
}

/** "2 live / 3 cameras", or "3 cameras, state unknown" while cut off. */
export function liveCountText(cameras: readonly CameraView[], current: boolean): string {
  const total = `${cameras.length} ${cameras.length === 1 ? 'camera' : 'cameras'}`;
  if (!current) return `${total}, state unknown`;
  return `${cameras.filter((camera) => camera.status === 'live').length} live / ${total}`;
}

/**
 * The face count on a tile: the faces in the analysed frame on screen, only while the analysis runs on a live camera
 * (off, stalled or unknown: no count, rather than a stale one).
 */
export function facesText(camera: CameraView, current: boolean, faces: number): string | null {
  if (!current || camera.status !== 'live' || camera.analysis.status !== 'running') return null;
  return faces === 1 ? '1 face' : `${faces} faces`;
}

/**
 * The line under a tile's picture: why it shows no video (the camera's error or progress, or why this browser cannot
 * play it), or why its analysis is stalled or waiting. Null when there is nothing to explain.
 */
export function tileDetail(camera: CameraView, current: boolean, videoError: string | null): string | null {
  if (!current) return 'No connection to the server: this camera\u2019s state is unknown.';
  if (!camera.enabled) return null;
  if (camera.status !== 'live') return camera.statusDetail;
  if (videoError) return videoError;
  const analysis = camera.analysis;
  if (camera.analysisEnabled && (analysis.status === 'stalled' || analysis.status === 'starting') && analysis.detail)
    return `Analysis ${analysis.status === 'stalled' ? 'stalled' : 'starting'}: ${analysis.detail}`;
  return null;
}
