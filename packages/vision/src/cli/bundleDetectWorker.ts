import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { findRepoRoot } from '../manifest/findRepoRoot.ts';

const SOURCE = fileURLToPath(new URL('./detectWorker.ts', import.meta.url));
/** Left to node_modules: native addons, pino (it loads files of its own at run time) and zod (large, already JS). */
const EXTERNAL = ['onnxruntime-node', 'sharp', 'pino', 'zod'];

/** The last bundle and the size and time of every source file it was made from. */
type BundleIndex = { bundle: string; inputs: Record<string, [mtimeMs: number, size: number]> };

const unchanged = (inputs: BundleIndex['inputs']): boolean =>
  Object.entries(inputs).every(([path, [mtimeMs, size]]) => {
    const s = statSync(path, { throwIfNoEntry: false });
    return s !== undefined && s.mtimeMs === mtimeMs && s.size === size;
  });

/**
 * The detect worker as one JavaScript file. A worker thread on Node 20 does not inherit tsx, and registering it in
 * each worker then resolving and transforming some forty modules through its hooks cost over a second of CPU per
 * worker here; the bundle loads in a fraction of that. Made by esbuild (what tsx itself runs on) whenever a source
 * file changed since the last bundle (tens of milliseconds), kept under the repository's node_modules/.cache/,
 * where the code's own look-ups (findRepoRoot, node_modules) work as from the sources.
 */
export async function bundleDetectWorker(): Promise<URL> {
  const dir = join(findRepoRoot(), 'node_modules', '.cache', 'maskwatch-vision');
  const indexPath = join(dir, 'detectWorker.json');
  try {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as BundleIndex;
    const file = join(dir, index.bundle);
    if (existsSync(file) && unchanged(index.inputs)) return pathToFileURL(file);
  } catch {
    // No index yet, or an unreadable one: bundle again.
  }
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const bundle = `detectWorker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  const inputs: BundleIndex['inputs'] = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(input);
    const s = statSync(path);
    inputs[path] = [s.mtimeMs, s.size];
  }
  mkdirSync(dir, { recursive: true });
  // Written aside then renamed: a detect starting at the same moment never reads half a file.
  const write = (path: string, data: string | Uint8Array): void => {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, data);
    renameSync(partial, path);
  };
  const file = join(dir, bundle);
  if (!existsSync(file)) write(file, code);
  write(indexPath, JSON.stringify({ bundle, inputs } satisfies BundleIndex));
  return pathToFileURL(file);
}
