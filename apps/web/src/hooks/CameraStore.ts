/**
 * The page's camera list: one copy, kept current from three sources that can arrive in any order — the REST list
 * (`/api/cameras`, available even while no media worker is up), the list in every `viewer:join` answer (after each
 * reconnect), and the `camera:state` / `camera:removed` pushes. Read through `useCameras()`.
 */
import type { CameraView } from '@maskwatch/protocol/camera';

export type CamerasSnapshot = {
  cameras: ReadonlyMap<string, CameraView>;
  /** By name, then id: the order every page lists cameras in. */
  sorted: readonly CameraView[];
  /** A list has arrived (REST or a join), so an empty list means "no cameras" rather than "not known yet". */
  loaded: boolean;
  /** Why the REST list could not be loaded; cleared by the next list that arrives. */
  error: string | null;
};

export const EMPTY_CAMERAS: CamerasSnapshot = { cameras: new Map(), sorted: [], loaded: false, error: null };

function byName(a: CameraView, b: CameraView): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export class CameraStore {
  #snapshot: CamerasSnapshot = EMPTY_CAMERAS;
  readonly #listeners = new Set<() => void>();
  /** Cameras changed by a push or a full list since the pending REST request left; its answer is older for them. */
  #touchedSinceRest: Set<string> | null = null;
  /** A full list arrived after the pending REST request left: its answer is older for every camera. */
  #listedSinceRest = false;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): CamerasSnapshot => this.#snapshot;

  /** Marks the start of a REST load: changes from now on win over its answer. */
  restStarted(): void {
    this.#touchedSinceRest = new Set();
    this.#listedSinceRest = false;
  }

  /** The REST answer: applied where nothing newer arrived since `restStarted()`. */
  restLoaded(list: readonly CameraView[]): void {
    const touched = this.#touchedSinceRest ?? new Set<string>();
    const stale = this.#listedSinceRest;
    this.#touchedSinceRest = null;
    this.#listedSinceRest = false;
    if (stale) return this.#set(this.#snapshot.cameras, null);
    const next = new Map<string, CameraView>();
    for (const camera of list) if (!touched.has(camera.id)) next.set(camera.id, camera);
    // Keep what pushes said since the request left (including the absence of a camera removed meanwhile).
    for (const id of touched) {
      const current = this.#snapshot.cameras.get(id);
      if (current) next.set(id, current);
    }
    this.#set(next, null);
  }

  restFailed(message: string): void {
    this.#touchedSinceRest = null;
    this.#listedSinceRest = false;
    this.#set(this.#snapshot.cameras, message);
  }

  /** A complete, current list (a `viewer:join` answer). */
  replaceAll(list: readonly CameraView[]): void {
    if (this.#touchedSinceRest) this.#listedSinceRest = true;
    this.#set(new Map(list.map((camera) => [camera.id, camera])), null);
  }

  upsert(camera: CameraView): void {
    this.#touchedSinceRest?.add(camera.id);
    this.#set(new Map(this.#snapshot.cameras).set(camera.id, camera), this.#snapshot.error, this.#snapshot.loaded);
  }

  remove(cameraId: string): void {
    this.#touchedSinceRest?.add(cameraId);
    if (!this.#snapshot.cameras.has(cameraId)) return;
    const next = new Map(this.#snapshot.cameras);
    next.delete(cameraId);
    this.#set(next, this.#snapshot.error, this.#snapshot.loaded);
  }

  #set(cameras: ReadonlyMap<string, CameraView>, error: string | null, loaded = true): void {
    this.#snapshot = { cameras, sorted: [...cameras.values()].sort(byName), loaded, error };
    for (const listener of this.#listeners) listener();
  }
}
