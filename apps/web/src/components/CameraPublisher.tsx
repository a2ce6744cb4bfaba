'use client';
/**
 * /camera: turns a phone or laptop into a Maskwatch camera. Opened from a publish link (`#token=...`), it publishes
 * as that link's camera; without one, by name (a signed-in admin, or any device while open enrolment is on).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { CameraNameSchema } from '@maskwatch/protocol/camera';
import { useCameras } from '../hooks/useCameras';
import { useFaceGuide } from '../hooks/useFaceGuide';
import { preloadFaceDetector } from '../lib/faceDetector';
import { markPublishStep, Publisher, type PublisherState } from '../lib/publisher';
import { describeError } from '../lib/signalling';
import { unlockAudio } from '../lib/announcer';
import { CameraAlerts } from './alerts/CameraAlerts';
import { OwnResults } from './OwnResults';
import { StatusBadge } from './StatusBadge';
import styles from './CameraPublisher.module.css';

type Facing = 'user' | 'environment';
const NAME_KEY = 'maskwatch.camera.name';
/**
 * The face guide starts this long after the tap: its detector runs on the page's main thread (WebGL, on the CPU
 * where there is no GPU), where the publishing after the tap runs too (offer, answer, the first frames), and on the
 * same device's CPU as the encoder. Started with the camera, it held the first spoken alert back under load.
 */
const GUIDE_AFTER_MS = 2000;

/**
 * The camera at up to 1080p: faces far from the camera are a few dozen pixels even then. The track is marked as
 * detail: when the phone or the network cannot keep up, the encoder lowers the frame rate, not the resolution (the
 * analysis needs 5 frames a second, and small faces need every pixel).
 */
async function openCamera(facing: Facing): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: facing }, width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 25, max: 30 } },
  });
  for (const track of stream.getVideoTracks()) track.contentHint = 'detail';
  return stream;
}

export function CameraPublisher() {
  // Names to pick from; a REST snapshot (this page publishes on its own connection and does not join as a viewer).
  const cameras = useCameras().sorted.filter((camera) => camera.kind === 'browser');
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [facing, setFacing] = useState<Facing>('user');
  const [running, setRunning] = useState(false);
  const [state, setState] = useState<PublisherState | null>(null);
  const [mediaError, setMediaError] = useState<string | null>(null);
  /** The publish token from the link's fragment (never sent to the server except in the socket handshake). */
  const [token, setToken] = useState<string | null>(null);
  const [publisher, setPublisher] = useState<Publisher | null>(null);
  // How many producers this page has published (its first, then one per reconnect): tests and support read it.
  const [publishes, setPublishes] = useState(0);
  const lastProducerRef = useRef<string | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const publisherRef = useRef<Publisher | null>(null);

  /** The publisher the next tap starts: made (connected, its media device loaded) when the page loads. */
  const preparedRef = useRef<Publisher | null>(null);
  /** Whether the page has read its address (the publish link's token, or a name). */
  const [linkRead, setLinkRead] = useState(false);

  useEffect(() => {
    const linked = new URLSearchParams(window.location.hash.slice(1)).get('token');
    if (linked) setToken(linked);
    else {
      const fromUrl = new URLSearchParams(window.location.search).get('name');
      setName(fromUrl ?? window.localStorage.getItem(NAME_KEY) ?? '');
    }
    setLinkRead(true);
  }, []);

  /** A publisher for the next tap, connected and preparing now (the publish link's, or by name). */
  const makePublisher = useCallback((): Publisher => new Publisher(token ?? undefined), [token]);
  /** The prepared publisher, or a fresh one where it started already or the server ended it before the tap. */
  const takePrepared = (): Publisher => {
    const prepared = preparedRef.current;
    preparedRef.current = null;
    return prepared?.startable ? prepared : makePublisher();
  };

  // The tap then has only the join and the transport left: the first spoken alert comes that much sooner.
  useEffect(() => {
    if (!linkRead) return;
    const prepared = makePublisher();
    preparedRef.current = prepared;
    return () => {
      if (preparedRef.current === prepared) preparedRef.current = null;
      if (prepared.startable) prepared.close();
    };
  }, [linkRead, makePublisher]);

  useEffect(() => {
    if (state?.status !== 'live' || state.producerId === lastProducerRef.current) return;
    lastProducerRef.current = state.producerId;
    setPublishes((count) => count + 1);
  }, [state]);

  // The face guide's detector loads before the tap: loading it blocks the page for seconds, and after the tap that
  // would hold back the first spoken alert.
  useEffect(() => preloadFaceDetector(), []);

  const report = useCallback((count: number) => publisherRef.current?.reportFaces(count), []);
  const [guideOn, setGuideOn] = useState(false);
  useEffect(() => {
    setGuideOn(false);
    if (!running) return;
    const timer = setTimeout(() => setGuideOn(true), GUIDE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [running]);
  const guide = useFaceGuide(guideOn ? videoRef : null, report);

  const stopMedia = (): void => {
    streamRef.current?.getTracks().forEach((track) => track.stop());
    streamRef.current = null;
  };

  const start = async (): Promise<void> => {
    markPublishStep('tap');
    // The Start tap is the gesture phones require before a page may speak or play sound (alerts).
    unlockAudio();
    let joinName: string | undefined;
    if (!token) {
      const parsed = CameraNameSchema.safeParse(name);
      if (!parsed.success) {
        setNameError(parsed.error.issues[0]?.message ?? 'invalid name');
        return;
      }
      joinName = parsed.data;
      window.localStorage.setItem(NAME_KEY, parsed.data);
    }
    setNameError(null);
    setMediaError(null);
    try {
      const stream = await openCamera(facing);
      markPublishStep('camera');
      streamRef.current = stream;
      const track = stream.getVideoTracks()[0];
      if (!track) throw new Error('the camera gave no video track');
      if (videoRef.current) videoRef.current.srcObject = stream;
      setRunning(true);
      publisherRef.current?.close();
      const started = takePrepared();
      started.start(track, joinName, setState);
      publisherRef.current = started;
      setPublisher(started);
    } catch (error) {
      stopMedia();
      setMediaError(`Camera unavailable: ${describeError(error)}`);
    }
  };

  const stop = (): void => {
    publisherRef.current?.close();
    publisherRef.current = null;
    stopMedia();
    setRunning(false);
    setState(null);
    // Ready for the next tap.
    preparedRef.current ??= makePublisher();
  };

  const switchCamera = async (): Promise<void> => {
    const next: Facing = facing === 'user' ? 'environment' : 'user';
    try {
      // Release the old camera first: many phones cannot open front and back at once.
      stopMedia();
      const stream = await openCamera(next);
      const track = stream.getVideoTracks()[0];
      if (!track) throw new Error('the camera gave no video track');
      streamRef.current = stream;
      if (videoRef.current) videoRef.current.srcObject = stream;
      await publisherRef.current?.replaceTrack(track);
      setFacing(next);
    } catch (error) {
      setMediaError(`Cannot switch camera: ${describeError(error)}`);
    }
  };

  // The server ended the publisher (name taken over, camera removed): release the camera and show why.
  const stoppedByServer = state?.status === 'stopped' ? state : null;
  // The camera this page publishes (kept while it reconnects, so its boxes come back with it).
  const [ownCamera, setOwnCamera] = useState<string | null>(null);
  const liveCamera = state?.status === 'live' ? state.cameraId : null;
  useEffect(() => {
    if (liveCamera) setOwnCamera(liveCamera);
  }, [liveCamera]);
  useEffect(() => {
    if (!stoppedByServer) return;
    publisherRef.current = null;
    streamRef.current?.getTracks().forEach((track) => track.stop());
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    setRunning(false);
    preparedRef.current ??= makePublisher();
  }, [stoppedByServer, makePublisher]);

  useEffect(() => () => {
    publisherRef.current?.close();
    preparedRef.current?.close();
    streamRef.current?.getTracks().forEach((track) => track.stop());
  }, []);

  const status = mediaError ? 'error' : state?.status === 'closed' ? 'offline' : state?.status ?? 'offline';
  const badge = status === 'stopped' ? 'error' : status;
  const detail = mediaError ?? (state && 'detail' in state ? state.detail : null);

  return (
    <main
      className={styles.page}
      data-status={status}
      data-stopped={stoppedByServer?.reason ?? ''}
      data-faces={guide.count ?? ''}
      data-camera-id={state?.status === 'live' ? state.cameraId : ''}
      data-producer-id={state?.status === 'live' ? state.producerId : ''}
      data-publishes={publishes}
    >
      <div className={styles.stage}>
        <video ref={videoRef} className={`${styles.video} ${facing === 'user' ? styles.mirror : ''}`} autoPlay muted playsInline />
        {!running && (
          <div className={styles.setup}>
            <h1 className={styles.title}>Maskwatch camera</h1>
            <p className={styles.lead}>
              {token
                ? 'This device was given a publish link: it streams to the control room as that camera.'
                : "Stream this device's camera to the control room."}
            </p>
            {stoppedByServer && (
              <p className={styles.stopped} role="alert" data-stopped-reason={stoppedByServer.reason}>
                {stoppedByServer.detail}
              </p>
            )}
            <form
              className={styles.form}
              onSubmit={(event) => {
                event.preventDefault();
                void start();
              }}
            >
              {!token && (
                <>
                  <label className={styles.label} htmlFor="camera-name">
                    Camera name
                  </label>
                  <input
                    id="camera-name"
                    name="name"
                    list="known-cameras"
                    placeholder="e.g. Front door"
                    autoComplete="off"
                    value={name}
                    onChange={(event) => setName(event.target.value)}
                    aria-invalid={nameError ? true : undefined}
                  />
                  <datalist id="known-cameras">
                    {cameras.map((camera) => (
                      <option key={camera.id} value={camera.name} />
                    ))}
                  </datalist>
                  {cameras.length > 0 && (
                    <div className={styles.chips} aria-label="Existing cameras">
                      {cameras.map((camera) => (
                        <button type="button" key={camera.id} className={camera.name === name ? styles.chipOn : styles.chip} onClick={() => setName(camera.name)}>
                          {camera.name}
                        </button>
                      ))}
                    </div>
                  )}
                  <p className={styles.hint}>
                    Without a publish link, only a signed-in admin can publish (or any device, when an admin has switched on
                    open enrolment). Ask an admin for this camera&apos;s link.
                  </p>
                </>
              )}
              {nameError && <p className={styles.fieldError}>{nameError}</p>}
              {mediaError && <p className={styles.fieldError}>{mediaError}</p>}
              <button type="submit" className={styles.start}>
                Start camera
              </button>
            </form>
          </div>
        )}
        {running && (
          <>
            <CameraAlerts publisher={publisher} />
            <OwnResults publisher={publisher} cameraId={ownCamera} video={videoRef} mirror={facing === 'user'} />
            <div className={styles.top}>
              <span className={styles.name}>{state?.status === 'live' ? state.name : token ? '' : name}</span>
              <StatusBadge status={badge} detail={detail} />
            </div>
            <div className={`${styles.guide} ${styles[guide.tone]}`} data-guide={guide.tone} role="status">
              {guide.text}
              {guide.count !== null && <span className={styles.count}>{guide.count} in view</span>}
            </div>
            {(status === 'error' || status === 'reconnecting' || status === 'connecting') && detail && (
              <div className={status === 'error' ? styles.errorBox : styles.infoBox}>
                <span>{detail}</span>
                {status === 'error' && (
                  <button type="button" onClick={() => (mediaError ? void start() : publisherRef.current?.retry())}>
                    Retry
                  </button>
                )}
              </div>
            )}
            <div className={styles.controls}>
              <button type="button" onClick={() => void switchCamera()} aria-label="Switch front/back camera">
                ⟲ Switch camera
              </button>
              <button type="button" className={styles.stop} onClick={stop}>
                Stop
              </button>
            </div>
          </>
        )}
      </div>
    </main>
  );
}
