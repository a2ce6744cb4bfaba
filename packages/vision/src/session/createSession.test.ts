import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ModelManifest } from '../manifest/ModelManifest.ts';
import { VisionError } from '../VisionError.ts';
import { createSession } from './createSession.ts';

describe('createSession', () => {
  const model = ModelManifest.load().detector();

  it('creates a CPU session with explicit threads and spinning', async () => {
    for (const config of [{}, { intraOpThreads: 1, interOpThreads: 1, allowSpinning: true }]) {
      const { session, executionProvider } = await createSession(model.path, config);
      assert.equal(executionProvider, 'cpu');
      assert.ok(session.outputNames.includes('cls_8'));
      await session.release();
    }
  });

  it('rejects unknown keys and bad values, naming them', async () => {
    await assert.rejects(
      createSession(model.path, { threads: 2 } as never),
      (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT' && /threads/.test(e.message),
    );
    await assert.rejects(
      createSession(model.path, { intraOpThreads: -1 }),
      (e: unknown) => e instanceof VisionError && /intraOpThreads/.test(e.message),
    );
  });

  it('fails with MODEL_INCOMPATIBLE on a file onnxruntime cannot load', async () => {
    await assert.rejects(
      createSession(new URL(import.meta.url).pathname, {}),
      (e: unknown) => e instanceof VisionError && e.code === 'MODEL_INCOMPATIBLE',
    );
  });
});
