/**
 * What the metrics read from parts that other modules own, as the smallest interfaces that work. Wired in
 * `createServer.ts`: the InferenceManager is a ResultsSource and a NodeStatsSource, the alert service an AlertsSource,
 * the signalling server a SocketsSource.
 */
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { NodeStats } from '@maskwatch/protocol/inference';

/** Every analysed frame, after the server checked it (InferenceManager's `results` event). */
export type ResultsSource = {
  on(event: 'results', listener: (result: FrameResult) => void): unknown;
  off(event: 'results', listener: (result: FrameResult) => void): unknown;
};

/** The first result of every analysis and how long it took from the camera going live (InferenceManager). */
export type FirstResultsSource = {
  on(event: 'firstResult', listener: (cameraId: string, ms: number) => void): unknown;
  off(event: 'firstResult', listener: (cameraId: string, ms: number) => void): unknown;
};

/** socket.io connections now, by role (the signalling server). */
export type SocketsSource = {
  connectionsByRole(): { camera: number; viewer: number };
};

/** The newest `node:stats` of every connected inference node. */
export type NodeStatsSource = {
  nodeStats(): ReadonlyMap<string, NodeStats>;
};

/** An alert stored or changed (the AlertService's `alert` event): `raised` once per non-compliant person. */
export type AlertChangeEvent = { change: string; alert: { label: string } };

export type AlertsSource = {
  on(event: 'alert', listener: (event: AlertChangeEvent) => void): unknown;
  off(event: 'alert', listener: (event: AlertChangeEvent) => void): unknown;
};
