/**
 * The analysis worker thread: owns the ONNX sessions (detector and classifier) and runs every batch, so that the
 * node's main thread, which talks to the server, is never blocked by inference. Frames come and go as transferred
 * buffers (no copies).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeBatch } from '@maskwatch/vision/pipeline/analyzeBatch';
import { FacePipeline } from '@maskwatch/vision/pipeline/FacePipeline';
import type { FromWorker, ToWorker, WorkerInit } from './workerMessages.ts';

const port = parentPort;
if (!port) throw new Error('analysis.worker.ts runs as a worker thread');
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const buffersOf = (frames: { data: Uint8Array }[]) => frames.map((frame) => frame.data.buffer as ArrayBuffer);

const init = workerData as WorkerInit;
let pipeline: FacePipeline;
try {
  pipeline = await FacePipeline.create(init);
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
  if (message.type !== 'analyse') return;
  const frames = message.frames;
  analyzeBatch(pipeline, frames, init.batch).then(
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
