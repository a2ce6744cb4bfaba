'use client';
/**
 * Draws a camera's face boxes over its `<video>`, on the frame they were computed from. Each video frame's receive
 * time (requestVideoFrameCallback) is mapped onto the server's clock and looked up in the camera's ResultTimeline.
 * Results come a few hundred ms after their frame (decode, detect, classify, track), so the video is held back by
 * about that much (the receiver's jitter buffer target): boxes and faces then move together.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { drawFaces } from '../lib/drawFaces';
import type { ResultTimeline } from '../lib/ResultTimeline';
import type { ServerClock } from '../lib/ServerClock';

/** The most the video is held back for boxes to catch up. */
const MAX_DELAY_MS = 1500;
/** Margin over the 90th percentile of the results' delay. */
const DELAY_MARGIN_MS = 60;

type VideoFrameMetadata = { receiveTime?: number; expectedDisplayTime: number };
type VideoWithFrames = HTMLVideoElement & {
  requestVideoFrameCallback?(callback: (now: number, metadata: VideoFrameMetadata) => void): number;
  cancelVideoFrameCallback?(handle: number): void;
};
type DelayableReceiver = RTCRtpReceiver & { jitterBufferTarget?: number | null; playoutDelayHint?: number | null };

export type FaceOverlay = {
  /** How far the video is held back for the boxes (ms), when known. */
  delayMs: number | null;
  /** Faces drawn over the frame on screen now. */
  faces: number;
};

export function useFaceOverlay(options: {
  video: RefObject<HTMLVideoElement | null>;
  canvas: RefObject<HTMLCanvasElement | null>;
  timeline: () => ResultTimeline | undefined;
  clock: ServerClock;
  receiver: RTCRtpReceiver | null;
  active: boolean;
}): FaceOverlay {
  const { video: videoRef, canvas: canvasRef, timeline, clock, receiver, active } = options;
  const [overlay, setOverlay] = useState<FaceOverlay>({ delayMs: null, faces: 0 });
  const timelineRef = useRef(timeline);
  timelineRef.current = timeline;

  // Draw on every video frame (or every animation frame where the browser cannot say which frame is shown).
  useEffect(() => {
    const video = videoRef.current as VideoWithFrames | null;
    const canvas = canvasRef.current;
    if (!video || !canvas) return;
    let handle = 0;
    let stopped = false;
    let lastCount = -1;
    const paint = (frameTs: number): void => {
      const timeline = active ? timelineRef.current() : undefined;
      const frame = timeline?.at(frameTs, timeline.holdMs());
      drawFaces(canvas, video, frame);
      const count = frame?.faces.length ?? 0;
      if (count !== lastCount) {
        lastCount = count;
        setOverlay((current) => (current.faces === count ? current : { ...current, faces: count }));
      }
    };
    if (video.requestVideoFrameCallback && video.cancelVideoFrameCallback) {
      const onFrame = (_now: number, metadata: VideoFrameMetadata): void => {
        if (stopped) return;
        // receiveTime: when the frame's last packet arrived, the moment it passed the SFU as the node saw it too.
        const at = metadata.receiveTime !== undefined ? clock.fromPerformance(metadata.receiveTime) : clock.now();
        paint(at);
        handle = video.requestVideoFrameCallback!(onFrame);
      };
      handle = video.requestVideoFrameCallback(onFrame);
      // A frame callback stops with the video: clear stale boxes then, and follow layout changes.
      const idle = setInterval(() => {
        if (video.paused || video.readyState < 2) paint(-Infinity);
      }, 500);
      return () => {
        stopped = true;
        clearInterval(idle);
        video.cancelVideoFrameCallback!(handle);
      };
    }
    const onAnimationFrame = (): void => {
      if (stopped) return;
      paint(clock.now() - (overlay.delayMs ?? 0));
      handle = requestAnimationFrame(onAnimationFrame);
    };
    handle = requestAnimationFrame(onAnimationFrame);
    return () => {
      stopped = true;
      cancelAnimationFrame(handle);
    };
    // overlay.delayMs is read only by the fallback path; it changes rarely.
  }, [videoRef, canvasRef, clock, active, overlay.delayMs]);

  // Hold the video back by how late results arrive, re-measured every 2 s.
  useEffect(() => {
    const delayable = receiver as DelayableReceiver | null;
    if (!delayable || !active) return;
    const adjust = (): void => {
      const late = timelineRef.current()?.delayPercentile(0.9);
      if (late === undefined) return;
      const target = Math.min(MAX_DELAY_MS, Math.round(late + DELAY_MARGIN_MS));
      // jitterBufferTarget (ms) where the browser has it, else Chrome's older playoutDelayHint (s).
      if (delayable.jitterBufferTarget !== undefined) delayable.jitterBufferTarget = target;
      else delayable.playoutDelayHint = target / 1000;
      setOverlay((current) => (current.delayMs === target ? current : { ...current, delayMs: target }));
    };
    adjust();
    const timer = setInterval(adjust, 2000);
    return () => {
      clearInterval(timer);
      if (delayable.jitterBufferTarget !== undefined) delayable.jitterBufferTarget = null;
    };
  }, [receiver, active]);

  return overlay;
}
