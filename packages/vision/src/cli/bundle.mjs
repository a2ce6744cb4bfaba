// Bundles a TypeScript entry of this package into one ES module that plain `node` runs, and keeps it while no
// source changed. Why: through tsx (a loader thread resolving and transforming each module, Node 20 does not share
// it with worker threads), the detect command spent about a second of CPU before its first image, and each worker
// thread as much again; the bundle loads in a fraction of that. esbuild (what tsx itself runs on) makes it in well
// under a second, again only when the size or time of one of its sources changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Left to node_modules: native addons, pino (it loads files of its own at run time) and esbuild itself. */
const EXTERNAL = ['onnxruntime-node', 'sharp', 'pino', 'esbuild'];

/** The repository root (the folder holding turbo.json) above `path`. */
function repoRoot(path) {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'turbo.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no turbo.json above ${path}`);
  }
}

function unchanged(inputs) {
  return Object.entries(inputs).every(([path, [mtimeMs, size]]) => {
    const s = statSync(path, { throwIfNoEntry: false });
    return s !== undefined && s.mtimeMs === mtimeMs && s.size === size;
  });
}

/** Writes aside then renames: a command starting at the same moment never reads half a file. */
function writeAtomic(path, data) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

/**
 * The file URL of `source` (an absolute path to a .ts entry) bundled, under the repository's node_modules/.cache/,
 * where the externals resolve as from the sources. Inside the bundle `import.meta.url` is the entry's own URL, so
 * that look-ups beside the entry or up from it (a worker's source, the repository root) find what they would.
 */
export async function bundled(source) {
  const dir = join(repoRoot(source), 'node_modules', '.cache', 'maskwatch-vision');
  const name = source.replace(/^.*[\\/]/, '').replace(/\.ts$/, '');
  const indexPath = join(dir, `${name}.json`);
  try {
    const index = JSON.parse(readFileSync(indexPath, 'utf8'));
    const file = join(dir, index.bundle);
    if (index.source === source && existsSync(file) && unchanged(index.inputs)) return pathToFileURL(file);
  } catch {
    // No index yet, or an unreadable one: bundle again.
  }
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(source).href) },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const bundle = `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(input);
    const s = statSync(path);
    inputs[path] = [s.mtimeMs, s.size];
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, bundle);
  if (!existsSync(file)) writeAtomic(file, code);
  writeAtomic(indexPath, JSON.stringify({ source, bundle, inputs }));
  // Older bundles of this entry go once they are an hour old (a command started just before may still load one).
  for (const old of readdirSync(dir)) {
    if (old === bundle || !old.startsWith(`${name}-`) || !old.endsWith('.mjs')) continue;
    const s = statSync(join(dir, old), { throwIfNoEntry: false });
    if (s !== undefined && Date.now() - s.mtimeMs > 3_600_000) rmSync(join(dir, old), { force: true });
  }
  return pathToFileURL(file);
}
