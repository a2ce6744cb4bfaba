// The repository's parts as package.json declares them: every npm workspace (its folder, its tsconfig, its test
// files), so that the test and typecheck commands cannot leave a package out. `test/` (cross-process and browser
// tests, not a package) is the root's own part.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders never searched for tests. */
const SKIPPED = new Set(['node_modules', 'dist', 'public']);

/** Every `*.test.ts` (or .tsx) below `dir`, sorted, paths relative to the repository root. */
export function testFilesUnder(dir) {
  const found = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      if (SKIPPED.has(name) || name.startsWith('.')) continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.test\.tsx?$/.test(name)) found.push(relative(ROOT, path));
    }
  };
  walk(resolve(ROOT, dir));
  return found.sort();
}

/**
 * The npm workspaces of the root package.json (`apps/*`, `packages/*`): { name, dir, tsconfig, testFiles }.
 * Only the `folder/*` form of a pattern is used here; any other form is refused rather than half understood.
 */
export function workspaces() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const list = [];
  for (const pattern of pkg.workspaces ?? []) {
    const match = /^([^*]+)\/\*$/.exec(pattern);
    if (!match) throw new Error(`workspace pattern "${pattern}" is not of the form folder/*`);
    const parent = join(ROOT, match[1]);
    for (const name of readdirSync(parent).sort()) {
      const dir = join(match[1], name);
      const manifest = join(ROOT, dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const tsconfig = existsSync(join(ROOT, dir, 'tsconfig.json')) ? join(dir, 'tsconfig.json') : undefined;
      list.push({ name: JSON.parse(readFileSync(manifest, 'utf8')).name, dir, tsconfig, testFiles: testFilesUnder(dir) });
    }
  }
  return list;
}

/** The TypeScript projects to check: every workspace with a tsconfig.json, and test/. */
export function typescriptProjects() {
  return [...workspaces().filter((w) => w.tsconfig).map((w) => w.dir), 'test'];
}
