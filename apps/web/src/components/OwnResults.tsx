'use client';
/**
 * The camera page's view of its own analysis: the server's latest result for this camera drawn over the preview.
 * The preview is the live camera (no delay), so a box trails the face by the analysis time; it fades out after a
 * second without news (analysis stopped, or nobody in view).
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { drawFaces } from '../lib/drawFaces';
import type { Publisher } from '../lib/publisher';
import styles from './CameraPublisher.module.css';

const TTL_MS = 1000;

export function OwnResults({
  publisher,
  cameraId,
  video,
  mirror,
}: {
  publisher: Publisher | null;
  cameraId: string | null;
  video: RefObject<HTMLVideoElement | null>;
  mirror: boolean;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const latest = useRef<{ result: FrameResult; at: number } | null>(null);
  const [faces, setFaces] = useState(0);

  useEffect(() => {
    if (!publisher || !cameraId) return;
    return publisher.onPush('results:frame', (result) => {
      if (result.cameraId === cameraId) latest.current = { result, at: performance.now() };
    });
  }, [publisher, cameraId]);

  useEffect(() => {
    let frame = 0;
    let shown = -1;
    const paint = (): void => {
      const canvas = canvasRef.current;
      const element = video.current;
      if (canvas && element) {
        const fresh = latest.current && performance.now() - latest.current.at < TTL_MS ? latest.current.result : null;
        drawFaces(canvas, element, fresh, { fit: 'cover', mirror });
        const count = fresh?.faces.length ?? 0;
        if (count !== shown) setFaces((shown = count));
      }
      frame = requestAnimationFrame(paint);
    };
    frame = requestAnimationFrame(paint);
    return () => cancelAnimationFrame(frame);
  }, [video, mirror]);

  return <canvas ref={canvasRef} className={styles.overlay} data-own-faces={faces} aria-hidden />;
}
