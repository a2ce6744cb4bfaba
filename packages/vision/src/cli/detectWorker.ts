/**
 * A worker thread of the detect command: owns one FacePipeline (its own ONNX sessions) and analyses the image
 * files the main thread sends, several in flight so that decoding one overlaps the network run of another.
 */
import { parentPort, workerData } from 'node:worker_threads';

import sharp from 'sharp';

import { FacePipeline } from '../pipeline/FacePipeline.ts';
import { analyzeForLine, modelsOf } from './analyzeForLine.ts';
import type { DetectWorkerInit, FromDetectWorker, ToDetectWorker } from './detectWorkerMessages.ts';

const port = parentPort;
if (port === null) throw new Error('detectWorker.ts runs as a worker thread');
const post = (message: FromDetectWorker): void => port.postMessage(message);
const init = workerData as DetectWorkerInit;

let pipeline: FacePipeline;
try {
  sharp.concurrency(init.decodeThreads);
  pipeline = await FacePipeline.create(init);
} catch (error) {
  post({ type: 'init-failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
post({ type: 'ready', ...modelsOf(pipeline) });

port.on('message', (message: ToDetectWorker) => {
  if (message.type === 'close') {
    // Sessions are released after their last run; closing the port lets the thread end.
    pipeline.close();
    port.close();
    return;
  }
  void analyzeForLine(pipeline, message.path).then((outcome) => post({ type: 'result', id: message.id, outcome }));
});
