/**
 * The analysis worker thread: owns the ONNX sessions (detector and classifier) and runs every batch, so that the
 * node's main thread, which talks to the server, is never blocked by inference. Frames come and go as transferred
 * buffers (no copies).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FacePipeline } from '@maskwatch/vision/pipeline/FacePipeline';
import { analyseLiveBatch } from './plan/analyseLiveBatch.ts';
import { CameraPlanner } from './plan/CameraPlanner.ts';
import type { FromWorker, ToWorker, WorkerInit } from './workerMessages.ts';

const port = parentPort;
if (!port) throw new Error('analysis.worker.ts runs as a worker thread');
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const buffersOf = (frames: { data: Uint8Array }[]) => frames.map((frame) => frame.data.buffer as ArrayBuffer);

const init = workerData as WorkerInit;
/** Each camera's plan (motion background, recent faces, classifications): its frames come only here. */
const planners = new Map<string, CameraPlanner>();
const plannerOf = (cameraId: string): CameraPlanner => {
  let planner = planners.get(cameraId);
  if (!planner) planners.set(cameraId, (planner = new CameraPlanner(init.planner)));
  return planner;
};

let pipeline: FacePipeline;
try {
  pipeline = await FacePipeline.create(init);
  // One run of each model before the first camera: onnxruntime's first run of a session (and of an input shape)
  // allocates and plans, which would otherwise delay a camera's first result. The detector's input shapes of the
  // usual cameras: 640x360, 640x480, and 720p and up (scaled to the detector's input), landscape and portrait
  // (a phone held upright). On the idle 2-core machine a blank 1280x720 frame's first pass took 81 ms, the next 32 ms.
  const blank = (width: number, height: number) => ({ width, height, data: new Uint8Array(width * height * 3).fill(96) });
  for (const [width, height] of [[640, 360], [640, 480], [1280, 720], [720, 1280]] as const) {
    await pipeline.detector.detect(blank(width, height));
  }
  await pipeline.detector.detectRegion(blank(640, 360), [0, 0, 128, 128]);
  const size = pipeline.classifier.size;
  await pipeline.classifier.classifyCrops([{ width: size, height: size, data: new Uint8Array(size * size * 3).fill(96) }]);
} catch (error) {
  post({ type: 'init-failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
post({
  type: 'ready',
  info: {
    executionProvider: pipeline.detector.executionProvider,
    detector: pipeline.detector.model.name,
    classifier: pipeline.classifier.model.name,
    classifierSha256: pipeline.classifier.model.sha256,
    classifierRule: { ...pipeline.classifier.rule },
  },
});

port.on('message', (message: ToWorker) => {
  if (message.type === 'forget') {
    planners.delete(message.cameraId);
    return;
  }
  const frames = message.frames;
  const items = frames.map((frame) => ({ planner: plannerOf(frame.cameraId), frame, at: frame.at }));
  analyseLiveBatch(pipeline, items, init.batch).then(
    (results) => post({ type: 'result', id: message.id, results, frames: frames.map((f) => f.data) }, buffersOf(frames)),
    (error: unknown) =>
      post(
        {
          type: 'failed',
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
          frames: frames.map((f) => f.data),
        },
        buffersOf(frames),
      ),
  );
});
