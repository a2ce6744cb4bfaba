import type { Box, FrameResult } from '@maskwatch/protocol/faces';

/** Which node and which classifier produced a result (every alert records its model). */
export type ResultSource = { nodeId: string; classifier: string; classifierSha256: string };

export type SnapshotImage = { jpeg: Uint8Array; thumbnail: Uint8Array; width: number; height: number };

/**
 * What alerts need from live analysis: the InferenceManager (apps/server/src/inference/) has exactly this shape.
 * `results` is emitted for every analysed (and checked) frame; `snapshot` asks the node that still holds frame
 * `seq` of a camera for its rendered snapshot (offender outlined, `blur` boxes blurred; the newest held frame of
 * track `trackId` when `seq` is gone), and rejects with a MaskwatchError when the frames or the node are gone.
 */
export interface AnalysisResults {
  on(event: 'results', listener: (result: FrameResult, source: ResultSource) => void): unknown;
  off(event: 'results', listener: (result: FrameResult, source: ResultSource) => void): unknown;
  snapshot(cameraId: string, seq: number, box: Box, blur: Box[], trackId?: number): Promise<SnapshotImage>;
}
