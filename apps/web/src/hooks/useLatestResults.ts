'use client';
import { useRef, type RefObject } from 'react';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { usePush } from './usePush';

export type LatestResult = { result: FrameResult; receivedAt: number };

/**
 * The latest `results:frame` of every camera, with when it arrived. A ref, not state: results come many times a
 * second and are drawn in animation frames, not rendered.
 */
export function useLatestResults(): RefObject<Map<string, LatestResult>> {
  const results = useRef(new Map<string, LatestResult>());
  usePush('results:frame', (result) => {
    results.current.set(result.cameraId, { result, receivedAt: performance.now() });
  });
  usePush('camera:removed', ({ cameraId }) => {
    results.current.delete(cameraId);
  });
  return results;
}
