/**
 * Stands in for `@mediapipe/face_detection` (aliased in next.config.ts). That package is a closure-compiled script
 * that sets `window.FaceDetection` and has no module exports, so bundlers see no `FaceDetection` export.
 * `loadMediapipeFaceDetection()` runs the copy served from /mediapipe/face_detection; this class then forwards to it.
 */
type Ctor = new (config?: unknown) => object;

let loading: Promise<void> | null = null;

export function loadMediapipeFaceDetection(basePath: string): Promise<void> {
  loading ??= new Promise<void>((resolve, reject) => {
    if ('FaceDetection' in window) return resolve();
    const script = document.createElement('script');
    script.src = `${basePath}/face_detection.js`;
    script.async = true;
    script.crossOrigin = 'anonymous';
    script.onload = () => resolve();
    script.onerror = () => {
      loading = null;
      reject(new Error(`cannot load ${script.src}`));
    };
    document.head.appendChild(script);
  });
  return loading;
}

export class FaceDetection {
  constructor(config?: unknown) {
    const Real = (window as unknown as { FaceDetection?: Ctor }).FaceDetection;
    if (!Real) throw new Error('MediaPipe face detection runtime not loaded');
    // Returning an object from a constructor makes `new FaceDetection()` yield the real instance.
    return new Real(config) as FaceDetection;
  }
}
