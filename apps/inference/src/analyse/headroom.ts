/** The share of its measured capacity a node offers (the rest absorbs bursts: full-frame passes, new faces). */
const CAPACITY_SHARE = 0.85;

/**
 * What the node can still take, from what it did: analysed frames per second over the worker's busy share is its
 * capacity at this mix of frames (full, region, skipped) and with the CPU it gets now (decoders included); a node
 * that was hardly busy offers its free slots. Wanted: each camera's analysed rate, or its input rate if lower.
 */
export function headroom({
  framesPerSecond,
  busy,
  cameras,
  fps,
  freeSlots,
}: {
  framesPerSecond: number;
  busy: number;
  cameras: readonly { inputFps: number; status: string }[];
  fps: number;
  freeSlots: number;
}): { headroomFps: number; wantedFps: number } {
  const wantedFps = cameras.reduce((sum, c) => sum + (c.status === 'running' ? Math.min(fps, c.inputFps) : 0), 0);
  const free = Math.max(0, freeSlots) * fps;
  if (busy < 0.05 || framesPerSecond <= 0) return { headroomFps: free, wantedFps };
  const capacity = framesPerSecond / busy;
  const headroomFps = Math.min(free, capacity * CAPACITY_SHARE - Math.max(framesPerSecond, wantedFps));
  return { headroomFps: Math.max(-10_000, Math.round(headroomFps * 10) / 10), wantedFps };
}
