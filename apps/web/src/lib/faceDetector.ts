/**
 * On-device face detection for the camera page: MediaPipe's BlazeFace (short range) through
 * @tensorflow-models/face-detection, runtime files served by this app from /mediapipe/face_detection
 * (copied there by scripts/copy-assets.mjs). The MediaPipe runtime runs on WebGL, SwiftShader included.
 * `minDetectionConfidence` must not be set on the MediaPipe solution: it replaces the TensorsToDetections options
 * and the graph then aborts (`options_.has_num_classes()`).
 */
export type FaceBox = { x: number; y: number; width: number; height: number };
export type Detection = { faces: FaceBox[]; frameWidth: number; frameHeight: number };

export type FaceDetector = { detect(video: HTMLVideoElement): Promise<Detection>; close(): void };

export const MEDIAPIPE_PATH = '/mediapipe/face_detection';

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
  let closed = false;
  return {
    async detect(video) {
      const frameWidth = video.videoWidth;
      const frameHeight = video.videoHeight;
      if (closed || frameWidth === 0 || frameHeight === 0) return { faces: [], frameWidth, frameHeight };
      const found = await detector.estimateFaces(video, { flipHorizontal: false });
      const faces = found.map((face) => ({ x: face.box.xMin, y: face.box.yMin, width: face.box.width, height: face.box.height }));
      return { faces, frameWidth, frameHeight };
    },
    close() {
      if (closed) return;
      closed = true;
      detector.dispose();
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
