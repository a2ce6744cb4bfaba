/**
 * Issue 15's quality check: live analysis at the camera's own resolution finds the small faces `detect` finds in the
 * same pictures. Scenes of real faces from the project's data set, scaled to 20-60 px, at 1280x720 and 1920x1080
 * (test/support/smallFaceScenes.ts), are shown through Chromium's fake camera on the camera page (VP8 through the
 * SFU to a real inference node process); the viewer's results are scored against the scenes' faces, frame by frame
 * once the picture has settled, and compared with the `detect` command's output on the PNG of the same scene.
 * Live recall and label accuracy must be within 0.03 of detect's. The long version (more scenes) is in bench:live.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { connectViewer, publishCamera } from './support/auth.ts';
import { launchBrowser, logPage, waitUntil } from './support/browser.ts';
import { call, type ClientSocket } from './support/client.ts';
import { startInferenceNode, type InferenceNodeProcess } from './support/inferenceNode.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { score, scoreLive, smallFaceScene, SHOWN, type Scene } from './support/smallFaceScenes.ts';

/** Live analysis settings the comparison runs at, and `detect` with the same detector input and smallest face. */
const MIN_FACE = 20;
const DETECTOR_INPUT = 960;
const REPO = join(import.meta.dirname, '..');

/** `detect --json` on the scenes' PNGs: per picture, its faces. */
function detect(scenes: readonly Scene[]): Map<string, { box: [number, number, number, number]; label: 'mask' | 'no_mask' | 'incorrect'; score: number }[]> {
  const out = execFileSync(
    process.execPath,
    [join(REPO, 'packages/vision/src/cli/detect.mjs'), '--json', '--quiet', '--sequential', '--threshold', String(SHOWN),
      '--min-face', String(MIN_FACE), '--max-side', String(DETECTOR_INPUT), ...scenes.map((s) => s.png)],
    { encoding: 'utf8', cwd: REPO },
  );
  const lines = out.trim().split('\n').map((line) => JSON.parse(line) as { image: string; faces: [] });
  return new Map(lines.map((line) => [line.image, line.faces]));
}

describe('live analysis finds the small faces detect finds (1280x720 and 1920x1080 scenes through the camera page)', () => {
  let server: TestServer;
  let node: InferenceNodeProcess;
  let viewer: ClientSocket;
  const results: FrameResult[] = [];
  const browsers: Browser[] = [];
  let scenes: Scene[];
  let reference: ReturnType<typeof detect>;

  before(async () => {
    scenes = [
      await smallFaceScene('quality-720-a', { width: 1280, height: 720, cols: 6, rows: 5, seed: 15 }),
      await smallFaceScene('quality-1080-a', { width: 1920, height: 1080, cols: 8, rows: 5, seed: 16 }),
    ];
    reference = detect(scenes);
    server = await startTestServer({ web: true });
    node = await startInferenceNode({
      serverUrl: server.url,
      dataDir: server.dataDir,
      nodeId: 'quality-node',
      env: { MASKWATCH_MIN_FACE: String(MIN_FACE), MASKWATCH_DETECTOR_INPUT: String(DETECTOR_INPUT), MASKWATCH_FULL_FRAME_S: '1' },
    });
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
    viewer.on('results:frame', (result) => results.push(result));
  });
  after(async () => {
    await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)));
    viewer?.close();
    await node?.close();
    await server?.close();
  });

  for (const [i, size] of ['1280x720', '1920x1080'].entries()) {
    test(`${size}: live recall and label accuracy within 0.03 of detect's`, async (t) => {
      const scene = scenes[i]!;
      const browser = await launchBrowser({ fakeVideo: scene.y4m });
      browsers.push(browser);
      const page = await browser.newPage();
      logPage(page, `camera ${size}`);
      const { cameraId } = await publishCamera(page, server, `Quality ${size}`);
      const mine = () => results.filter((r) => r.cameraId === cameraId);
      // Settled: analysed at the scene's own size, with faces, for a few seconds (the encoder refines a still picture).
      await waitUntil(
        'results at the scene size with faces',
        () => mine().find((r) => r.width === scene.width && r.faces.length > 0),
        90_000,
      );
      await new Promise((r) => setTimeout(r, 6000));
      const from = results.length;
      await new Promise((r) => setTimeout(r, 4000));
      const live = scoreLive(scene, results.slice(from).filter((r) => r.cameraId === cameraId));
      const offline = score(scene.faces, reference.get(scene.png) ?? []);
      t.diagnostic(
        `${size}: ${scene.faces.length} faces; detect recall ${offline.recall.toFixed(3)} accuracy ${offline.accuracy.toFixed(3)}; ` +
          `live (${live.frames} frames at ${live.width}x${live.height}) recall ${live.recall.toFixed(3)} accuracy ${live.accuracy.toFixed(3)}`,
      );
      assert.ok(live.frames >= 5, `only ${live.frames} analysed frames`);
      assert.equal(live.width, scene.width, 'analysed at the camera resolution');
      assert.ok(offline.recall > 0.5, `detect finds most faces (${offline.recall})`);
      assert.ok(live.recall >= offline.recall - 0.03, `live recall ${live.recall.toFixed(3)} vs detect ${offline.recall.toFixed(3)}`);
      assert.ok(Math.abs(live.accuracy - offline.accuracy) <= 0.03, `live accuracy ${live.accuracy.toFixed(3)} vs detect ${offline.accuracy.toFixed(3)}`);
      await browser.close();
    });
  }
});
