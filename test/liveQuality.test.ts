/**
 * Issue 15's quality check: live analysis at the camera's own resolution finds the small faces `detect` finds in the
 * same pictures. Scenes of real faces from the project's data set, scaled to 20-60 px, at 1280x720 and 1920x1080
 * (test/support/smallFaceScenes.ts), are shown through Chromium's fake camera on the camera page (VP8 through the
 * SFU to a real inference node process); the viewer's results are scored against the scenes' faces, frame by frame
 * once the picture has settled, and compared with the `detect` command's output on the PNG of the same scene.
 * Live recall must not be more than 0.03 under detect's, nor live label accuracy on the faces both found (live may
 * be better). Live counts the faces the node reports, as the
 * console draws them (a detection of at least 0.6, or a weaker one continuing the track of a face detected surely
 * before); detect counts its output at its default threshold (0.6). The detections >= 0.6 alone are printed too. The long version (more scenes) is in bench:live.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { connectViewer } from './support/auth.ts';
import { call, type ClientSocket } from './support/client.ts';
import { startInferenceNode, type InferenceNodeProcess } from './support/inferenceNode.ts';
import { detectScenes, measureScene, QUALITY_SETTINGS } from './support/liveScene.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { pairedAccuracy, score, smallFaceScene, type Scene } from './support/smallFaceScenes.ts';

describe('live analysis finds the small faces detect finds (1280x720 and 1920x1080 scenes through the camera page)', () => {
  let server: TestServer;
  let node: InferenceNodeProcess;
  let viewer: ClientSocket;
  const results: FrameResult[] = [];
  let scenes: Scene[];
  let reference: ReturnType<typeof detectScenes>;

  before(async () => {
    scenes = [
      // 40 and 60 faces: one label that differs moves accuracy by about 0.03 and 0.02 (with 30, one face was 0.033).
      await smallFaceScene('quality-720-b', { width: 1280, height: 720, cols: 8, rows: 5, seed: 15 }),
      await smallFaceScene('quality-1080-b', { width: 1920, height: 1080, cols: 10, rows: 6, seed: 16 }),
    ];
    reference = detectScenes(scenes);
    server = await startTestServer({ web: true });
    node = await startInferenceNode({
      serverUrl: server.url,
      dataDir: server.dataDir,
      nodeId: 'quality-node',
      env: {
        MASKWATCH_MIN_FACE: String(QUALITY_SETTINGS.minFace),
        MASKWATCH_DETECTOR_INPUT: String(QUALITY_SETTINGS.detectorInput),
        MASKWATCH_FULL_FRAME_S: '1',
      },
    });
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
    viewer.on('results:frame', (result) => results.push(result));
  });
  after(async () => {
    viewer?.close();
    await node?.close();
    await server?.close();
  });

  for (const [i, size] of ['1280x720', '1920x1080'].entries()) {
    test(`${size}: live recall and label accuracy within 0.03 of detect's`, async (t) => {
      const scene = scenes[i]!;
      const live = await measureScene(server, results, scene, `Quality ${size}`);
      const offline = score(scene.faces, reference.get(scene.png) ?? []);
      const paired = pairedAccuracy(offline, live);
      t.diagnostic(
        `${size}: ${scene.faces.length} faces; detect recall ${offline.recall.toFixed(3)} accuracy ${offline.accuracy.toFixed(3)}; ` +
          `live (${live.frames} frames at ${live.width}x${live.height}) recall ${live.recall.toFixed(3)} accuracy ${live.accuracy.toFixed(3)} ` +
          `(detections >= 0.6 alone: recall ${live.strictRecall.toFixed(3)}); on the faces both found (${paired.pairs} face-frames): ` +
          `live accuracy ${paired.live.toFixed(3)}, detect ${paired.offline.toFixed(3)}`,
      );
      assert.ok(live.frames >= 5, `only ${live.frames} analysed frames`);
      assert.equal(live.width, scene.width, 'analysed at the camera resolution');
      assert.ok(offline.recall > 0.5, `detect finds most faces (${offline.recall})`);
      assert.ok(live.recall >= offline.recall - 0.03, `live recall ${live.recall.toFixed(3)} vs detect ${offline.recall.toFixed(3)}`);
      // On the same faces (live also finds weaker, smaller ones, which are harder to label): kept, not equal, since
      // the camera's compression may change a label either way.
      assert.ok(paired.pairs >= live.frames * offline.matched * 0.8, `most of detect's faces found live too (${paired.pairs} face-frames)`);
      assert.ok(paired.live >= paired.offline - 0.03, `live accuracy ${paired.live.toFixed(3)} vs detect ${paired.offline.toFixed(3)} on the same faces`);
    });
  }
});
