#!/usr/bin/env node
// Copies the on-device face detector's runtime and model files from node_modules into public/, so the app
// serves them itself (no CDN: cameras often sit on networks that reach only this server).
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const target = join(here, '..', 'public', 'mediapipe', 'face_detection');
// The package has no "exports"; its package.json locates the folder.
const source = dirname(require.resolve('@mediapipe/face_detection/package.json'));

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const copied = [];
for (const name of readdirSync(source)) {
  if (!/\.(js|wasm|data|binarypb|tflite)$/.test(name)) continue;
  cpSync(join(source, name), join(target, name));
  copied.push(name);
}
if (!copied.includes('face_detection_short_range.tflite')) {
  console.error(`copy-assets: face_detection_short_range.tflite not found in ${source}`);
  process.exit(1);
}
console.error(`copy-assets: ${copied.length} MediaPipe face-detection files -> public/mediapipe/face_detection`);
