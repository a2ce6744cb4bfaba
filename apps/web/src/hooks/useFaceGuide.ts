'use client';
/** Runs the on-device face detector over a playing <video> and reports the count (on change, or every 2 s). */
import { useEffect, useState, type RefObject } from 'react';
import { guidance, sharedFaceDetector, type Detection, type Guidance } from '../lib/faceDetector';

const INTERVAL_MS = 200;
const REPORT_EVERY_MS = 2000;

export type FaceGuide = Guidance & { count: number | null };

export function useFaceGuide(videoRef: RefObject<HTMLVideoElement | null> | null, report: (count: number) => void): FaceGuide {
  const [detection, setDetection] = useState<Detection | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    if (!videoRef) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastCount = -1;
    let lastReport = 0;
    // The page's one detector (loaded before the tap, kept for the next start): not closed here.
    sharedFaceDetector()
      .then((detector) => {
        if (stopped) return;
        const tick = async (): Promise<void> => {
          const video = videoRef.current;
          if (stopped) return;
          if (video && video.readyState >= 2) {
            try {
              const result = await detector.detect(video);
              if (stopped) return;
              setDetection(result);
              const count = result.faces.length;
              const now = Date.now();
              if (count !== lastCount || now - lastReport >= REPORT_EVERY_MS) {
                lastCount = count;
                lastReport = now;
                report(count);
              }
            } catch (error) {
              setFailed(error instanceof Error ? error.message : String(error));
              return;
            }
          }
          timer = setTimeout(() => void tick(), INTERVAL_MS);
        };
        void tick();
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      stopped = true;
      clearTimeout(timer);
      setDetection(null);
    };
  }, [videoRef, report]);

  if (failed) return { tone: 'idle', text: 'Face guide unavailable', count: null };
  return { ...guidance(detection), count: detection ? detection.faces.length : null };
}
