'use client';
import { useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { CameraView } from '@maskwatch/protocol/camera';
import { listCameras } from '../lib/api';
import { describeError } from '../lib/signalling';
import { CameraStore, EMPTY_CAMERAS, type CamerasSnapshot } from './CameraStore';
import { SignallingContext } from './SignallingProvider';

export type Cameras = CamerasSnapshot & {
  /** Applies an answer the page got itself (a REST create or update) before its push arrives. */
  upsert(camera: CameraView): void;
  remove(cameraId: string): void;
};

const serverSnapshot = (): CamerasSnapshot => EMPTY_CAMERAS;

/**
 * The page's camera list. Under a `SignallingProvider` it is the provider's one copy, kept current by pushes and
 * every join; without one (the camera page, which must not join as a viewer) it is the REST list, loaded once.
 */
export function useCameras(): Cameras {
  const shared = useContext(SignallingContext)?.cameras ?? null;
  const [own] = useState(() => new CameraStore());
  useEffect(() => {
    if (shared) return;
    let cancelled = false;
    own.restStarted();
    listCameras().then(
      (list) => {
        if (!cancelled) own.restLoaded(list);
      },
      (error: unknown) => {
        if (!cancelled) own.restFailed(describeError(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [own, shared]);
  const store = shared ?? own;
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, serverSnapshot);
  return useMemo(
    () => ({ ...snapshot, upsert: (camera: CameraView) => store.upsert(camera), remove: (id: string) => store.remove(id) }),
    [snapshot, store],
  );
}
