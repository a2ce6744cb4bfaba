import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { VisionError } from '../VisionError.ts';

/** The monorepo root: the nearest folder at or above `start` holding `turbo.json`. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new VisionError(
        'MANIFEST_NOT_FOUND',
        `no turbo.json at or above ${start}: cannot find the repository root`,
      );
    }
    dir = parent;
  }
}
