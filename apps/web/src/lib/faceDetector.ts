/**
 * On-device face detection for the camera page: MediaPipe's BlazeFace (short range) through
 * @tensorflow-models/face-detection, runtime files served by this app from /mediapipe/face_detection
 * (copied there by scripts/copy-assets.mjs). The MediaPipe runtime runs on WebGL, SwiftShader included.
 * `minDetectionConfidence` must not be set on the MediaPipe solution: it replaces the TensorsToDetections options
 * and the graph then aborts (`options_.has_num_classes()`).
 */
export type FaceBox = { x: number; y: number; width: number; height: number };
export type Detection = { faces: FaceBox[]; frameWidth: number; frameHeight: number };

/** The page keeps its one detector while it lives (`sharedFaceDetector`): nothing closes it. */
export type FaceDetector = { detect(video: HTMLVideoElement): Promise<Detection> };

export const MEDIAPIPE_PATH = '/mediapipe/face_detection';
/** Width of the copy of the video the detector looks at (the short-range model's own input is 128x128). */
const GUIDE_SIDE = 320;

let shared: Promise<FaceDetector> | null = null;

/**
 * The page's one detector, loaded once and kept while the page lives (a stop and a new start reuse it). Loading it
 * holds the page's main thread for seconds (the runtime's set-up: measured 3.2-3.8 s in headless Chromium on the
 * 2-core machine), during which nothing else on the page runs, the spoken alert included: the camera page starts it
 * before the Start tap (`preloadFaceDetector`), so that it is done by the time the first alert can come. Once loaded,
 * `<html data-face-detector="ready">`.
 */
export function sharedFaceDetector(): Promise<FaceDetector> {
  shared ??= createFaceDetector().then(
    (detector) => {
      document.documentElement.dataset.faceDetector = 'ready';
      return detector;
    },
    (error: unknown) => {
      shared = null; // a later start tries again
      throw error;
    },
  );
  return shared;
}

/** Starts loading the shared detector when the browser is next idle (the page has drawn; nobody tapped yet). */
export function preloadFaceDetector(): () => void {
  const start = (): void => void sharedFaceDetector().catch(() => undefined);
  if (typeof window.requestIdleCallback === 'function') {
    const id = window.requestIdleCallback(start, { timeout: 1500 });
    return () => window.cancelIdleCallback(id);
  }
  const timer = setTimeout(start, 300);
  return () => clearTimeout(timer);
}

export async function createFaceDetector(): Promise<FaceDetector> {
  // Loaded on demand: the runtime is large and only the camera page needs it.
  const [fd, runtime] = await Promise.all([import('@tensorflow-models/face-detection'), import('../vendor/mediapipeFaceDetection')]);
  await runtime.loadMediapipeFaceDetection(MEDIAPIPE_PATH);
  const detector = await fd.createDetector(fd.SupportedModels.MediaPipeFaceDetector, {
    runtime: 'mediapipe',
    modelType: 'short',
    maxFaces: 10,
    solutionPath: MEDIAPIPE_PATH,
  });
  // The detector sees a small copy of the video: the model looks at 128x128 anyway, and handing it the camera's
  // 1280x720 or 1920x1080 frame uploaded every pixel through WebGL at each look (on the CPU where WebGL is
  // SwiftShader: the page's main thread, the publishing and the spoken alert's, held for a moment every 200 ms).
  const small = document.createElement('canvas');
  const context = small.getContext('2d');
  const lookAt = (width: number, height: number): HTMLCanvasElement => {
    const w = GUIDE_SIDE;
    const h = Math.max(1, Math.round((GUIDE_SIDE * height) / width));
    if (small.width !== w || small.height !== h) {
      small.width = w;
      small.height = h;
    }
    return small;
  };
  // The runtime sets its graph up (WebGL shaders included) on the first picture it is given: do it now, on a blank
  // one of the usual size (16:9), so that it happens with the loading and not later in the middle of the camera's work.
  const blank = lookAt(16, 9);
  context?.fillRect(0, 0, blank.width, blank.height);
  await detector.estimateFaces(blank, { flipHorizontal: false });
  return {
    async detect(video) {
      const frameWidth = video.videoWidth;
      const frameHeight = video.videoHeight;
      if (frameWidth === 0 || frameHeight === 0 || !context) return { faces: [], frameWidth, frameHeight };
      const picture = lookAt(frameWidth, frameHeight);
      context.drawImage(video, 0, 0, picture.width, picture.height);
      const found = await detector.estimateFaces(picture, { flipHorizontal: false });
      // Back to the video's pixels.
      const sx = frameWidth / picture.width;
      const sy = frameHeight / picture.height;
      const faces = found.map((face) => ({ x: face.box.xMin * sx, y: face.box.yMin * sy, width: face.box.width * sx, height: face.box.height * sy }));
      return { faces, frameWidth, frameHeight };
    },
  };
}

export type Guidance = { tone: 'ok' | 'warn' | 'idle'; text: string };

/** What to tell the person in front of the camera. */
export function guidance(detection: Detection | null): Guidance {
  if (!detection) return { tone: 'idle', text: 'Starting face guide…' };
  const { faces, frameWidth } = detection;
  if (faces.length === 0) return { tone: 'warn', text: 'No face in view' };
  const largest = Math.max(...faces.map((face) => face.width));
  if (largest < frameWidth * 0.12) return { tone: 'warn', text: faces.length === 1 ? 'Come closer' : `${faces.length} faces — come closer` };
  return { tone: 'ok', text: faces.length === 1 ? 'Face in view' : `${faces.length} faces in view` };
}
