/** REST client for the metrics and models pages: `/api/metrics/history`, `/api/training-runs`, `/api/models/live`. */
import { MetricsHistoryResponseSchema, type MetricsHistoryResponse } from '@maskwatch/protocol/metrics';
import {
  LiveModelsResponseSchema,
  TrainingRunListResponseSchema,
  TrainingRunResponseSchema,
  type LiveModelsResponse,
  type TrainingRunSummary,
} from '@maskwatch/protocol/modelRuns';
import type { TrainingRun } from '@maskwatch/protocol/training';
import { ApiError, call } from './api';

function required<T>(body: T | null, path: string): T {
  if (body === null) throw new ApiError(500, { code: 'internal', message: `empty answer from ${path}` });
  return body;
}

/** Samples newer than `since` (ms), or the whole kept hour. */
export async function getMetricsHistory(since?: number): Promise<MetricsHistoryResponse> {
  const path = since === undefined ? '/api/metrics/history' : `/api/metrics/history?since=${since}`;
  return required(await call(MetricsHistoryResponseSchema, path), path);
}

export async function listTrainingRuns(): Promise<TrainingRunSummary[]> {
  return required(await call(TrainingRunListResponseSchema, '/api/training-runs'), '/api/training-runs').runs;
}

export async function getTrainingRun(id: string): Promise<TrainingRun> {
  const path = `/api/training-runs/${encodeURIComponent(id)}`;
  return required(await call(TrainingRunResponseSchema, path), path).run;
}

export async function getLiveModels(): Promise<LiveModelsResponse> {
  return required(await call(LiveModelsResponseSchema, '/api/models/live'), '/api/models/live');
}
