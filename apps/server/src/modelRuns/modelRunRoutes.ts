import { z } from 'zod';
import type { TrainingRunRepository } from '@maskwatch/db/TrainingRunRepository';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import {
  TrainingRunIdSchema,
  type TrainingRunListResponse,
  type TrainingRunResponse,
  type TrainingRunSummary,
} from '@maskwatch/protocol/modelRuns';
import type { TrainingRun } from '@maskwatch/protocol/training';
import { defineRoute, type Route } from '../api/Route.ts';
import { readLiveModels } from './readLiveModels.ts';

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

/** The models page: training runs from SQLite (list, one in full) and the live model from the manifest. */
export function modelRunRoutes(runs: TrainingRunRepository, manifestPath: string): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/training-runs',
      access: 'operator',
      summary: 'the recorded training runs, newest first, without their series',
      handler: () => {
        const body: TrainingRunListResponse = { runs: runs.list().map(summary) };
        return { body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/training-runs/:id',
      access: 'operator',
      summary: 'one training run in full: epochs, final metrics, confusion matrix, system usage over time',
      params: z.object({ id: TrainingRunIdSchema }),
      handler: ({ params }) => {
        const run = runs.get(params.id);
        if (!run) throw new MaskwatchError('not_found', `no training run ${params.id}`);
        const body: TrainingRunResponse = { run };
        return { body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/models/live',
      access: 'operator',
      summary: "the classifier and detector in use (the manifest's defaults): name, sha256, metrics, operating point",
      handler: async () => ({ body: await readLiveModels(manifestPath) }),
    }),
  ];
}
