import type { TrainingRunRepository } from '@maskwatch/db/TrainingRunRepository';
import { MaskwatchError, parseOrThrow } from '@maskwatch/protocol/errors';
import {
  TrainingRunIdSchema,
  type TrainingRunListResponse,
  type TrainingRunResponse,
  type TrainingRunSummary,
} from '@maskwatch/protocol/modelRuns';
import type { TrainingRun } from '@maskwatch/protocol/training';
import type { JsonRoute } from '../api/JsonRoute.ts';

function summary(run: TrainingRun): TrainingRunSummary {
  const valAccs = run.epochs.map((epoch) => epoch.valAcc);
  return {
    id: run.id,
    model: run.model,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    epochs: run.epochs.length,
    accuracy: run.final?.accuracy ?? null,
    maskVsNoMaskAccuracy: run.final?.maskVsNoMaskAccuracy ?? null,
    bestValAcc: valAccs.length > 0 ? Math.max(...valAccs) : null,
  };
}

/** `GET /api/training-runs` (newest first, summaries) and `GET /api/training-runs/:id` (the whole run). */
export function trainingRunRoutes(runs: TrainingRunRepository): JsonRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/training-runs',
      handle(): TrainingRunListResponse {
        return { runs: runs.list().map(summary) };
      },
    },
    {
      method: 'GET',
      path: '/api/training-runs/:id',
      handle({ params }): TrainingRunResponse {
        const id = parseOrThrow(TrainingRunIdSchema, params.id, 'training run id');
        const run = runs.get(id);
        if (!run) throw new MaskwatchError('not_found', `no training run ${id}`);
        return { run };
      },
    },
  ];
}
