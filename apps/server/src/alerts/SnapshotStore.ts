import { mkdirSync } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { SnapshotFiles } from '@maskwatch/db/AlertRepository';
import { MaskwatchError } from '@maskwatch/protocol/errors';

const NAME = /^\d{4}-\d{2}-\d{2}\/al_[0-9a-f]{16}(\.thumb)?\.jpg$/;

/** Writes `bytes` to `path` and waits until they are on disk (not only in the page cache). */
async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Alert snapshots on disk: `<dir>/<YYYY-MM-DD>/<alert id>.jpg` and `.thumb.jpg`. Names are made here from the
 * alert id and date, never from a request; reading checks the name again and that it stays inside the folder.
 * A file is written (synced temp file, then rename) before its row is inserted, and deleted after its row is: the
 * only gap a crash (or a power cut) can leave is a file without a row, which `orphans()` finds, or a temp file.
 */
export class SnapshotStore {
  readonly dir: string;
  /** Written, row not inserted yet: not orphans. */
  readonly #pending = new Set<string>();

  constructor(dir: string) {
    this.dir = resolve(dir);
    mkdirSync(this.dir, { recursive: true });
  }

  async write(
    id: string,
    at: number,
    image: { jpeg: Uint8Array; thumbnail: Uint8Array; width: number; height: number },
  ): Promise<SnapshotFiles> {
    const day = new Date(at).toISOString().slice(0, 10);
    const snapshot = `${day}/${id}.jpg`;
    const thumbnail = `${day}/${id}.thumb.jpg`;
    if (!NAME.test(snapshot)) throw new MaskwatchError('bad_request', `not an alert id: ${id}`);
    this.#pending.add(snapshot).add(thumbnail);
    try {
      await mkdir(join(this.dir, day), { recursive: true });
      for (const [name, bytes] of [
        [snapshot, image.jpeg],
        [thumbnail, image.thumbnail],
      ] as const) {
        const path = join(this.dir, name);
        await writeSynced(`${path}.tmp`, bytes);
        await rename(`${path}.tmp`, path);
      }
      // The renames themselves are on disk before the row that names the files is written.
      await syncDirectory(join(this.dir, day));
    } catch (error) {
      await this.remove([snapshot, thumbnail]);
      this.settle([snapshot, thumbnail]);
      throw error;
    }
    return {
      snapshot,
      thumbnail,
      width: image.width,
      height: image.height,
      bytes: image.jpeg.byteLength + image.thumbnail.byteLength,
    };
  }

  /** The row of these files was inserted (or given up): they are no longer pending. */
  settle(files: string[]): void {
    for (const file of files) this.#pending.delete(file);
  }

  async read(file: string): Promise<Buffer> {
    return readFile(this.path(file));
  }

  /** The absolute path of a stored name; refuses anything that is not one of ours. */
  path(file: string): string {
    const path = resolve(this.dir, file);
    if (!NAME.test(file) || !path.startsWith(this.dir + sep)) {
      throw new MaskwatchError('internal', 'snapshot name is not one of the store');
    }
    return path;
  }

  async remove(files: string[]): Promise<void> {
    for (const file of files) await rm(this.path(file), { force: true });
  }

  /** Every stored file (names relative to the folder); temp files and foreign files are listed too, as such. */
  async list(): Promise<{ ours: string[]; other: string[] }> {
    const ours: string[] = [];
    const other: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else {
          const name = relative(this.dir, path).split(sep).join('/');
          (NAME.test(name) ? ours : other).push(name);
        }
      }
    };
    await walk(this.dir);
    return { ours, other };
  }

  /** Stored files that no row points to (and that are not being written). */
  async orphans(known: Set<string>): Promise<string[]> {
    const { ours } = await this.list();
    return ours.filter((name) => !known.has(name) && !this.#pending.has(name));
  }

  /** Leftover temp files of writes a crash interrupted. */
  async removeTemporary(): Promise<number> {
    const { other } = await this.list();
    const temps = other.filter((name) => name.endsWith('.jpg.tmp') && !this.#pending.has(name.slice(0, -4)));
    for (const name of temps) await rm(join(this.dir, name), { force: true });
    return temps.length;
  }

  exists(file: string): Promise<boolean> {
    return access(this.path(file)).then(
      () => true,
      () => false,
    );
  }
}
