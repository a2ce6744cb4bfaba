'use client';
import { useRef, type RefObject } from 'react';
import { ResultTimeline } from '../lib/ResultTimeline';
import type { ServerClock } from '../lib/ServerClock';
import { usePush } from './usePush';

/**
 * Every camera's recent `results:frame`, by capture time (see ResultTimeline). A ref, not state: results come many
 * times a second and are drawn with the video's frames, not rendered.
 */
export function useResultTimelines(clock: ServerClock): RefObject<Map<string, ResultTimeline>> {
  const timelines = useRef(new Map<string, ResultTimeline>());
  usePush('results:frame', (result) => {
    let timeline = timelines.current.get(result.cameraId);
    if (!timeline) {
      timeline = new ResultTimeline();
      timelines.current.set(result.cameraId, timeline);
    }
    timeline.add(result, clock.now());
  });
  usePush('camera:removed', ({ cameraId }) => {
    timelines.current.delete(cameraId);
  });
  return timelines;
}
