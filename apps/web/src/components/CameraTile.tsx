'use client';
/**
 * One camera in the console: its name, status and analysis, the consumed video with the latest face boxes drawn
 * over it, and (below the picture) why there is no video or why the analysis is stalled. A button (or F while it is
 * enlarged) puts the tile in the browser's full screen.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { CameraView } from '@maskwatch/protocol/camera';
import { useFaceOverlay } from '../hooks/useFaceOverlay';
import type { ViewerHandle } from '../hooks/useViewer';
import { toggleFullscreen } from '../lib/fullscreen';
import type { ResultTimeline } from '../lib/ResultTimeline';
import type { ServerClock } from '../lib/ServerClock';
import { describeError, SignallingError } from '../lib/signalling';
import { facesText, tileDetail, tileStatus } from '../lib/tileState';
import { AnalysisBadge } from './AnalysisBadge';
import { FullscreenIcon } from './Icons';
import { RetryCountdown } from './RetryCountdown';
import { StatusBadge } from './StatusBadge';
import styles from './Console.module.css';

/**
 * A live consumer whose picture has not moved for this long is consumed again. A new producer is noticed at once
 * through `producerId`; this is the fallback for what no camera:state tells (a server that sends no producerId, a
 * recv path that stopped without its producer changing, a restarted video conversion).
 */
const STALL_MS = 6000;
/** A consume the server answered `unavailable` (no video yet, conversion still starting) is tried again after this. */
const UNAVAILABLE_RETRY_MS = 3000;

type Props = {
  camera: CameraView;
  /** Its number on the page (the 1-9 shortcut), 1-based. */
  number: number;
  viewer: ViewerHandle | null;
  results: RefObject<Map<string, ResultTimeline>>;
  clock: ServerClock;
  /** Whether the page's camera states are current (false while the console is cut off from the server). */
  current: boolean;
  focused: boolean;
  onToggleFocus: () => void;
};

export function CameraTile({ camera, number, viewer, results, clock, current, focused, onToggleFocus }: Props) {
  const tileRef = useRef<HTMLElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [videoError, setVideoError] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [retry, setRetry] = useState(0);
  const [consumedProducer, setConsumedProducer] = useState<string | null>(null);
  const [receiver, setReceiver] = useState<RTCRtpReceiver | null>(null);
  const [conversion, setConversion] = useState<string | null>(null);
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
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    setVideoError(null);
    viewer.viewer
      .consume(camera.id)
      .then(async (consumed) => {
        close = consumed.close;
        if (cancelled) return close();
        setConsumedProducer(consumed.producerId);
        setReceiver(consumed.receiver);
        setConversion(consumed.transcoded ? consumed.format : null);
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
        if (cancelled) return;
        setVideoError(describeError(error));
        // Not there yet (the conversion for this browser is starting, the producer is being replaced): ask again.
        if (error instanceof SignallingError && (error.code === 'unavailable' || error.code === 'timeout'))
          retryTimer = setTimeout(() => setRetry((n) => n + 1), UNAVAILABLE_RETRY_MS);
      });
    return () => {
      cancelled = true;
      clearInterval(stallTimer);
      clearTimeout(retryTimer);
      close();
      video.srcObject = null;
      setPlaying(false);
      setConsumedProducer(null);
      setReceiver(null);
      setConversion(null);
    };
  }, [wantsVideo, viewer, camera.id, producerId, retry]);

  const overlay = useFaceOverlay({
    video: videoRef,
    canvas: canvasRef,
    timeline: () => results.current.get(camera.id),
    clock,
    receiver,
    active: wantsVideo && camera.analysis.status !== 'off',
  });

  const status = tileStatus(camera, current);
  const detail = tileDetail(camera, current, videoError);
  const faces = facesText(camera, current, overlay.faces);
  const showRetry = current && camera.status === 'error' && typeof camera.retryAt === 'number';
  const headline = !current
    ? 'State unknown'
    : !camera.enabled
      ? 'Disabled'
      : camera.status === 'live'
        ? videoError
          ? 'Video unavailable'
          : conversion
            ? 'Preparing the video for this browser…'
            : 'Loading video…'
        : camera.status === 'error'
          ? 'Error'
          : camera.status === 'connecting'
            ? 'Connecting…'
            : 'Offline';
  return (
    <article
      ref={tileRef}
      className={`${styles.tile} ${focused ? styles.focused : ''}`}
      data-camera-id={camera.id}
      data-status={camera.enabled || !current ? status : 'disabled'}
      data-playing={playing ? 'true' : 'false'}
      data-producer-id={consumedProducer ?? ''}
      data-transcoded={conversion ? 'true' : 'false'}
      data-focused={focused ? 'true' : 'false'}
      data-analysis={current ? camera.analysis.status : 'unknown'}
      data-faces={overlay.faces}
    >
      <header className={styles.tileHeader}>
        <span className={styles.number} aria-hidden>
          {number}
        </span>
        <h2 className={styles.tileName} title={camera.name}>
          {camera.name}
        </h2>
        <button
          type="button"
          className={styles.tileButton}
          onClick={() => void toggleFullscreen(tileRef.current)}
          aria-label={`Full screen: ${camera.name}`}
          title="Full screen (F while enlarged)"
        >
          <FullscreenIcon />
        </button>
      </header>
      <div className={styles.badges}>
        <StatusBadge status={status} detail={detail} />
        {current && camera.status === 'live' && <AnalysisBadge analysis={camera.analysis} delayMs={overlay.delayMs} />}
        {faces && (
          <span className={styles.faces} data-faces-text>
            {faces}
          </span>
        )}
        <span className={styles.kind} title={conversion ? `${conversion}, converted for this browser` : undefined}>
          {camera.kind === 'rtsp' ? 'IP camera' : 'browser camera'}
          {conversion ? ' · converted' : ''}
        </span>
      </div>
      <button type="button" className={styles.screen} onClick={onToggleFocus} aria-label={focused ? `Back to the grid from ${camera.name}` : `Enlarge ${camera.name}`}>
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
        {/* A headline in the picture; the reason, once, below it. */}
        {(!(wantsVideo && playing) || !current) && <span className={styles.placeholder}>{headline}</span>}
      </button>
      {(detail || showRetry) && (
        <footer className={styles.detail} data-detail>
          {detail}
          {showRetry && (
            <>
              {detail && ' · '}
              <RetryCountdown at={camera.retryAt} now={() => clock.now()} />
            </>
          )}
        </footer>
      )}
    </article>
  );
}
