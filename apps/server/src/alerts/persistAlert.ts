import type { Alert } from '@maskwatch/protocol/alerts';
import type { AlertRepository, NewAlert, SnapshotFiles } from '@maskwatch/db/AlertRepository';
import type { SnapshotStore } from './SnapshotStore.ts';

export type SnapshotImage = { jpeg: Uint8Array; thumbnail: Uint8Array; width: number; height: number };

/**
 * Stores one alert so that its row and its snapshot appear together or not at all, whenever the process dies: the
 * files first (each a synced temp file renamed into place), then the row that names them (one SQLite transaction).
 * A crash before the row leaves files without a row (or a temp file), which the next start removes
 * (AlertRetention); a row never names a file that is not there. A snapshot that cannot be written (`image`
 * undefined, or a write error, reported to `onSnapshotError`) gives an alert without one.
 */
export async function persistAlert(
  store: SnapshotStore,
  repo: AlertRepository,
  alert: Omit<NewAlert, 'files'>,
  image: SnapshotImage | undefined,
  onSnapshotError: (error: unknown) => void,
): Promise<Alert> {
  let files: SnapshotFiles | null = null;
  if (image) {
    try {
      files = await store.write(alert.id, alert.raisedAt, image);
    } catch (error) {
      onSnapshotError(error);
    }
  }
  return commitNaming(store, files, () => repo.insert({ ...alert, files }));
}

/**
 * The snapshot of an alert stored without one (it came after the alert's deadline): the files first, then the row
 * names them, as for a new alert. Returns the updated alert, or undefined when the alert is gone or has a snapshot
 * already (the files are removed again).
 */
export async function attachLateSnapshot(
  store: SnapshotStore,
  repo: AlertRepository,
  alert: Pick<Alert, 'id' | 'raisedAt'>,
  image: SnapshotImage,
): Promise<Alert | undefined> {
  const files = await store.write(alert.id, alert.raisedAt, image);
  return commitNaming(store, files, () => repo.attachSnapshot(alert.id, files));
}

/**
 * Writes the row that names `files` (written already): if `commit` throws, or names them nowhere (undefined), the
 * files are removed again; either way they are no longer pending once it is done.
 */
async function commitNaming<Row extends Alert | undefined>(
  store: SnapshotStore,
  files: SnapshotFiles | null,
  commit: () => Row,
): Promise<Row> {
  const names = files ? [files.snapshot, files.thumbnail] : [];
  try {
    const row = commit();
    if (row === undefined) await store.remove(names).catch(() => undefined);
    return row;
  } catch (error) {
    await store.remove(names).catch(() => undefined);
    throw error;
  } finally {
    store.settle(names);
  }
}
