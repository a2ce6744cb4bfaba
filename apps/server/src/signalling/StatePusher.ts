import type { CameraView } from '@maskwatch/protocol/camera';

/**
 * Coalesces camera:state pushes: at most one per camera per `intervalMs` (the first at once, the latest view at the
 * end of the interval), and none when the view did not really change. A storm of updates to one camera then costs
 * viewers a few pushes a second, and the event loop stays free.
 */
export class StatePusher {
  readonly #send: (view: CameraView) => void;
  readonly #intervalMs: number;
  readonly #cameras = new Map<string, { lastJson: string; lastAt: number; pending: CameraView | undefined; timer: NodeJS.Timeout | undefined }>();
  #closed = false;

  constructor(send: (view: CameraView) => void, intervalMs = 250) {
    this.#send = send;
    this.#intervalMs = intervalMs;
  }

  push(view: CameraView): void {
    if (this.#closed) return;
    let entry = this.#cameras.get(view.id);
    if (!entry) {
      entry = { lastJson: '', lastAt: 0, pending: undefined, timer: undefined };
      this.#cameras.set(view.id, entry);
    }
    entry.pending = view;
    if (entry.timer) return;
    const wait = entry.lastAt + this.#intervalMs - Date.now();
    if (wait <= 0) this.#flush(view.id);
    else entry.timer = setTimeout(() => this.#flush(view.id), wait);
  }

  /** The camera is gone: nothing pending for it may be pushed after its removal. */
  drop(cameraId: string): void {
    const entry = this.#cameras.get(cameraId);
    if (entry?.timer) clearTimeout(entry.timer);
    this.#cameras.delete(cameraId);
  }

  close(): void {
    this.#closed = true;
    for (const entry of this.#cameras.values()) if (entry.timer) clearTimeout(entry.timer);
    this.#cameras.clear();
  }

  #flush(cameraId: string): void {
    const entry = this.#cameras.get(cameraId);
    if (!entry) return;
    entry.timer = undefined;
    const view = entry.pending;
    entry.pending = undefined;
    if (!view) return;
    const json = JSON.stringify(view);
    if (json === entry.lastJson) return;
    entry.lastJson = json;
    entry.lastAt = Date.now();
    this.#send(view);
  }
}
