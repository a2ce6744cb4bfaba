import assert from 'node:assert/strict';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { tempDir } from '../testing/videoFrames.ts';
import { VisionError } from '../VisionError.ts';
import { findRepoRoot } from './findRepoRoot.ts';
import { ModelManifest } from './ModelManifest.ts';

const YUNET_SHA = 'ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0';
const detectorEntry = (file: string, sha256: string = YUNET_SHA): object => ({
  task: 'detect',
  file,
  sha256,
  input: { size: [640, 640], layout: 'NCHW', pixelFormat: 'BGR', normalize: { scale: 1, offset: 0 }, sizeMultiple: 32 },
  labels: ['face'],
});
const classifierEntry = (file: string): object => ({
  task: 'classify',
  file,
  sha256: YUNET_SHA,
  input: { size: [128, 128], layout: 'NCHW', pixelFormat: 'RGB', normalize: { scale: 1 / 127.5, offset: -1 } },
  labels: ['mask', 'no_mask', 'incorrect'],
  metrics: { accuracy: 0.97 },
});
const isCode = (code: string) => (e: unknown) => e instanceof VisionError && e.code === code;

/** Writes a manifest plus a copy of the YuNet file (as `yunet.onnx`) into a temp folder; returns the manifest path. */
function fixture(manifest: unknown): { path: string; dir: string } {
  const dir = tempDir();
  copyFileSync(
    join(findRepoRoot(), '..', 'shared', 'models', 'face-detectors', 'yunet', 'face_detection_yunet_2026may.onnx'),
    join(dir, 'yunet.onnx'),
  );
  const path = join(dir, 'manifest.json');
  writeFileSync(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  return { path, dir };
}

describe('ModelManifest', () => {
  it('finds the repository root by turbo.json', () => {
    assert.ok(existsSync(join(findRepoRoot(), 'turbo.json')));
    assert.equal(findRepoRoot(join(findRepoRoot(), 'packages', 'vision', 'src')), findRepoRoot());
    assert.throws(() => findRepoRoot('/'), isCode('MANIFEST_NOT_FOUND'));
  });

  it('loads the repository manifest and resolves the default detector, checking its sha256', () => {
    const manifest = ModelManifest.load();
    const detector = manifest.detector();
    assert.equal(detector.task, 'detect');
    assert.equal(detector.input.pixelFormat, 'BGR');
    assert.match(detector.path, /\.onnx$/);
    assert.ok(manifest.names('detect').includes(detector.name));
  });

  it('honours MASKWATCH_MODELS_MANIFEST', () => {
    const { path, dir } = fixture({
      version: 1,
      models: { mine: detectorEntry('yunet.onnx') },
      default: { detector: 'mine' },
    });
    const before = process.env.MASKWATCH_MODELS_MANIFEST;
    process.env.MASKWATCH_MODELS_MANIFEST = path;
    try {
      assert.equal(ModelManifest.defaultPath(), path);
      assert.equal(ModelManifest.load({ rootDir: dir }).detector().name, 'mine');
    } finally {
      if (before === undefined) delete process.env.MASKWATCH_MODELS_MANIFEST;
      else process.env.MASKWATCH_MODELS_MANIFEST = before;
    }
  });

  it('picks classifiers by name and by default, and says when there is none', () => {
    const { path, dir } = fixture({
      version: 1,
      models: {
        yunet: detectorEntry('yunet.onnx'),
        a: classifierEntry('yunet.onnx'),
        b: classifierEntry('yunet.onnx'),
      },
      default: { detector: 'yunet', classifier: 'b' },
    });
    const manifest = ModelManifest.load({ path, rootDir: dir });
    assert.deepEqual(manifest.names('classify'), ['a', 'b']);
    assert.equal(manifest.classifier().name, 'b');
    assert.equal(manifest.classifier('a').name, 'a');
    assert.deepEqual(manifest.classifier('a').metrics, { accuracy: 0.97 });
    assert.throws(() => manifest.classifier('yunet'), /not a classifier/);
    assert.throws(() => manifest.classifier('zzz'), isCode('MODEL_NOT_FOUND'));

    const detectorOnly = fixture({
      version: 1,
      models: { yunet: detectorEntry('yunet.onnx') },
      default: { detector: 'yunet' },
    });
    const m2 = ModelManifest.load({ path: detectorOnly.path, rootDir: detectorOnly.dir });
    assert.equal(m2.hasClassifier(), false);
    assert.throws(
      () => m2.classifier(),
      (e: unknown) => isCode('MODEL_NOT_FOUND')(e) && /declares no classifier/.test((e as Error).message),
    );
  });

  it('fails on a wrong sha256 and on a missing file, when the model is picked', () => {
    const { path, dir } = fixture({
      version: 1,
      models: { bad: detectorEntry('yunet.onnx', '0'.repeat(64)), gone: detectorEntry('nope.onnx') },
    });
    const manifest = ModelManifest.load({ path, rootDir: dir });
    assert.throws(
      () => manifest.detector('bad'),
      (e: unknown) => isCode('MODEL_CHECKSUM_MISMATCH')(e) && (e as Error).message.includes(YUNET_SHA),
    );
    assert.throws(
      () => manifest.detector('gone'),
      (e: unknown) => isCode('MODEL_FILE_MISSING')(e) && (e as Error).message.includes('nope.onnx'),
    );
  });

  it('rejects invalid manifests naming the bad path', () => {
    const bad = (m: unknown, pattern: RegExp): void => {
      const { path, dir } = fixture(m);
      assert.throws(
        () => ModelManifest.load({ path, rootDir: dir }),
        (e: unknown) => isCode('MANIFEST_INVALID')(e) && pattern.test((e as Error).message),
      );
    };
    bad('{ not json', /not JSON/);
    bad({ version: 2, models: {} }, /version/);
    bad(
      { version: 1, models: { x: { ...classifierEntry('a.onnx'), labels: ['mask', 'hat'] } } },
      /models\.x\.labels\.1: unknown label "hat"/,
    );
    bad(
      {
        version: 1,
        models: {
          x: {
            ...detectorEntry('a.onnx'),
            input: { size: [640], layout: 'NCHW', pixelFormat: 'BGR', normalize: { scale: 1, offset: 0 } },
          },
        },
      },
      /models\.x\.input\.size/,
    );
    bad(
      { version: 1, models: { y: detectorEntry('yunet.onnx') }, default: { classifier: 'y' } },
      /default\.classifier: "y" has task "detect"/,
    );
    bad({ version: 1, models: {}, default: { detector: 'missing' } }, /default\.detector: names "missing"/);
    assert.throws(() => ModelManifest.load({ path: '/nonexistent/manifest.json' }), isCode('MANIFEST_NOT_FOUND'));
  });
});
