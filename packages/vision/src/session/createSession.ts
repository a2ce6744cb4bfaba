import * as ort from 'onnxruntime-node';

import { createLogger } from '../logger.ts';
import { VisionError } from '../VisionError.ts';
import { SessionConfigSchema, type SessionConfig } from './SessionConfig.ts';

const logger = createLogger('session');

export type CreatedSession = {
  session: ort.InferenceSession;
  /** The provider actually in use (`cpu` when `cuda` was asked for but could not be loaded). */
  executionProvider: 'cpu' | 'cuda';
};

/** Creates an InferenceSession for one model file; the caller owns it and must release it. */
export async function createSession(modelPath: string, config: SessionConfig = {}): Promise<CreatedSession> {
  const parsed = SessionConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `session config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const { executionProvider, intraOpThreads, interOpThreads, allowSpinning } = parsed.data;
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    // Errors only: the exported models carry unused initializers that ORT would list as warnings on every start.
    logSeverityLevel: 3,
    executionMode: 'sequential',
    ...(intraOpThreads > 0 ? { intraOpNumThreads: intraOpThreads } : {}),
    ...(interOpThreads > 0 ? { interOpNumThreads: interOpThreads } : {}),
    extra: {
      session: {
        intra_op: { allow_spinning: allowSpinning ? '1' : '0' },
        inter_op: { allow_spinning: allowSpinning ? '1' : '0' },
      },
    },
  };
  if (executionProvider === 'cuda') {
    try {
      const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ['cuda', 'cpu'] });
      return { session, executionProvider: 'cuda' };
    } catch (error) {
      logger.warn(
        { model: modelPath, err: (error as Error).message },
        'CUDA execution provider unavailable, falling back to CPU',
      );
    }
  }
  try {
    const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ['cpu'] });
    return { session, executionProvider: 'cpu' };
  } catch (error) {
    throw new VisionError('MODEL_INCOMPATIBLE', `onnxruntime cannot load ${modelPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
