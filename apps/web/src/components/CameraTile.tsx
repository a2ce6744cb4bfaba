'use client';
/** One camera in the console: name, status, the consumed video and a canvas with the latest face boxes. */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { CameraView } from '@maskwatch/protocol/camera';
import type { LatestResult } from '../hooks/useLatestResults';
import type { ViewerHandle } from '../hooks/useViewer';
import { drawFaces } from '../lib/drawFaces';
import { describeError } from '../lib/signalling';
import { StatusBadge } from './StatusBadge';
import styles from './Console.module.css';

/** Boxes older than this are stale (the camera moved on, or inference stopped): stop drawing them. */
const RESULT_TTL_MS = 1500;
/**
 * A live consumer whose picture has not moved for this long is consumed again. A new producer is noticed at once
 * through `producerId`; this is the fallback for what no camera:state tells (a server that sends no producerId, a
 * recv path that stopped without its producer changing).
 */
const STALL_MS = 6000;

type Props = {
  camera: CameraView;
  viewer: ViewerHandle | null;
  results: RefObject<Map<string, LatestResult>>;
  focused: boolean;
  onToggleFocus: () => void;
};

export function CameraTile({ camera, viewer, results, focused, onToggleFocus }: Props) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [videoError, setVideoError] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [retry, setRetry] = useState(0);
  const [consumedProducer, setConsumedProducer] = useState<string | null>(null);
  const wantsVideo = camera.enabled && camera.status === 'live' && camera.hasVideo;
  // The server closes our consumer when its producer closes (a camera page reload, an RTSP reconnect) and tells
  // no one; a new producerId in camera:state is the signal to consume again. Undefined from an older server.
  const producerId = camera.producerId ?? null;

  // Consume while the camera is live; consume again on a new viewer session, a new producer, or a stalled picture.
  useEffect(() => {
    const video = videoRef.current;
    if (!wantsVideo || !viewer || !video) return;
    let cancelled = false;
    let close = (): void => undefined;
    let stallTimer: ReturnType<typeof setInterval> | undefined;
    setVideoError(null);
    viewer.viewer
      .consume(camera.id)
      .then(async (consumed) => {
        close = consumed.close;
        if (cancelled) return close();
        setConsumedProducer(consumed.producerId);
        video.srcObject = new MediaStream([consumed.track]);
        await viewer.viewer.resume(consumed.consumerId);
        await video.play().catch(() => undefined);
        let lastTime = -1;
        let lastMove = performance.now();
        stallTimer = setInterval(() => {
          if (video.currentTime !== lastTime) {
            lastTime = video.currentTime;
            lastMove = performance.now();
          } else if (performance.now() - lastMove > STALL_MS) {
            setRetry((n) => n + 1);
          }
        }, 1000);
      })
      .catch((error: unknown) => {
        if (!cancelled) setVideoError(describeError(error));
      });
    return () => {
      cancelled = true;
      clearInterval(stallTimer);
      close();
      video.srcObject = null;
      setPlaying(false);
      setConsumedProducer(null);
    };
  }, [wantsVideo, viewer, camera.id, producerId, retry]);

  // Boxes are drawn every animation frame so they follow the layout (resize, focus view).
  useEffect(() => {
    let frame = 0;
    let drewSomething = false;
    const draw = (): void => {
      const canvas = canvasRef.current;
      const video = videoRef.current;
      if (canvas && video) {
        const latest = results.current.get(camera.id);
        const fresh = latest && performance.now() - latest.receivedAt < RESULT_TTL_MS && wantsVideo ? latest.result : null;
        if (fresh || drewSomething) drawFaces(canvas, video, fresh);
        drewSomething = fresh !== null;
      }
      frame = requestAnimationFrame(draw);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [camera.id, results, wantsVideo]);

  const detail = videoError ?? camera.statusDetail;
  return (
    <article
      className={`${styles.tile} ${focused ? styles.focused : ''}`}
      data-camera-id={camera.id}
      data-status={camera.enabled ? camera.status : 'disabled'}
      data-playing={playing ? 'true' : 'false'}
      data-producer-id={consumedProducer ?? ''}
    >
      <header className={styles.tileHeader}>
        <span className={styles.tileName} title={camera.name}>
          {camera.name}
        </span>
        <span className={styles.kind}>{camera.kind}</span>
        {camera.facesInView !== null && camera.status === 'live' && <span className={styles.faces}>{camera.facesInView === 1 ? "1 face" : `${camera.facesInView} faces`}</span>}
        <StatusBadge status={camera.status} detail={detail} />
      </header>
      <button type="button" className={styles.screen} onClick={onToggleFocus} aria-label={focused ? `Close ${camera.name}` : `Enlarge ${camera.name}`}>
        <video
          ref={videoRef}
          className={styles.video}
          autoPlay
          muted
          playsInline
          onPlaying={() => setPlaying(true)}
          onEmptied={() => setPlaying(false)}
        />
        <canvas ref={canvasRef} className={styles.overlay} />
        {!(wantsVideo && playing) && (
          <span className={styles.placeholder}>
            {!camera.enabled
              ? 'Disabled'
              : camera.status === 'live'
                ? videoError
                  ? `Video unavailable: ${videoError}`
                  : 'Loading video…'
                : camera.status === 'error'
                  ? (camera.statusDetail ?? 'Error')
                  : camera.status === 'connecting'
                    ? (camera.statusDetail ?? 'Connecting…')
                    : 'Offline'}
          </span>
        )}
      </button>
      {detail && camera.status !== 'live' && <footer className={styles.detail}>{detail}</footer>}
    </article>
  );
}
