/**
 * What the metrics read from parts that other modules own, as the smallest interfaces that work. Wired in
 * `createServer.ts`: the InferenceManager is a ResultsSource and a NodeStatsSource, the alert service an AlertsSource.
 */
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { NodeStats } from '@maskwatch/protocol/inference';

/** Every analysed frame, after the server checked it (InferenceManager's `results` event). */
export type ResultsSource = {
  on(event: 'results', listener: (result: FrameResult) => void): unknown;
  off(event: 'results', listener: (result: FrameResult) => void): unknown;
};

/** The newest `node:stats` of every connected inference node. */
export type NodeStatsSource = {
  nodeStats(): ReadonlyMap<string, NodeStats>;
};

/** Every alert raised (one per non-compliant person), with the label it was raised for. */
export type AlertsSource = {
  on(event: 'raised', listener: (alert: { label: string }) => void): unknown;
  off(event: 'raised', listener: (alert: { label: string }) => void): unknown;
};
