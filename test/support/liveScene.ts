/**
 * Shows a small-face scene (smallFaceScenes.ts) through Chromium's fake camera on the camera page and scores the
 * live results against it; and runs the `detect` command on the scenes' PNGs with the same detector settings. Used
 * by the quality test (two scenes) and by bench:live (`--quality`, more of them).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Box, FrameResult, MaskLabel } from '@maskwatch/protocol/faces';
import { publishCamera } from './auth.ts';
import { launchBrowser, logPage, waitUntil } from './browser.ts';
import { scoreLive, SHOWN, type LiveScore, type Scene } from './smallFaceScenes.ts';

const REPO = join(import.meta.dirname, '..', '..');

/** The live settings the comparison runs at, and `detect` with the same detector input and smallest face. */
export const QUALITY_SETTINGS = { minFace: 20, detectorInput: 960 };

export type DetectedFace = { box: Box; label: MaskLabel; score: number };

/** `detect --json` on the scenes' PNGs (sequential, same detector input and smallest face): per picture, its faces. */
export function detectScenes(scenes: readonly Scene[]): Map<string, DetectedFace[]> {
  const out = execFileSync(
    process.execPath,
    [
      join(REPO, 'packages/vision/src/cli/detect.mjs'),
      ...['--json', '--quiet', '--sequential', '--threshold', String(SHOWN)],
      ...['--min-face', String(QUALITY_SETTINGS.minFace), '--max-side', String(QUALITY_SETTINGS.detectorInput)],
      ...scenes.map((s) => s.png),
    ],
    { encoding: 'utf8', cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { image: string; faces: DetectedFace[] });
  return new Map(lines.map((line) => [line.image, line.faces]));
}

/**
 * Publishes `scene` from a fresh Chromium camera page as a new camera named `name`, waits until results come at the
 * scene's size with faces, then `settleMs` and at least `settleFrames` more results (the encoder refines a still
 * picture, the tracker votes its labels), then scores the results of the next `windowMs` and at least `minFrames`
 * results (`results` is the viewer's list, appended to as they arrive). Counted in results as well as in time, so a
 * machine shared with other work gives fewer frames a second, not a thinner sample.
 */
export async function measureScene(
  server: { url: string },
  results: readonly FrameResult[],
  scene: Scene,
  name: string,
  { settleMs = 6000, settleFrames = 10, windowMs = 4000, minFrames = 12 }: { settleMs?: number; settleFrames?: number; windowMs?: number; minFrames?: number } = {},
): Promise<LiveScore> {
  const browser = await launchBrowser({ fakeVideo: scene.y4m });
  try {
    const page = await browser.newPage();
    logPage(page, name);
    const { cameraId } = await publishCamera(page, server, name);
    await waitUntil(
      'results at the scene size with faces',
      () => results.find((r) => r.cameraId === cameraId && r.width === scene.width && r.faces.length > 0),
      90_000,
    );
    const ofScene = (from: number) => results.slice(from).filter((r) => r.cameraId === cameraId && r.width === scene.width);
    const settleFrom = results.length;
    await new Promise((r) => setTimeout(r, settleMs));
    await waitUntil(`${settleFrames} results to settle`, () => ofScene(settleFrom).length >= settleFrames || undefined, 90_000);
    const from = results.length;
    await new Promise((r) => setTimeout(r, windowMs));
    await waitUntil(`${minFrames} results to score`, () => ofScene(from).length >= minFrames || undefined, 90_000);
    return scoreLive(scene, ofScene(from));
  } finally {
    await browser.close().catch(() => undefined);
  }
}
