// The detect command's launcher: runs detect.ts bundled, on plain node (see bundle.mjs), or through tsx when it
// cannot be bundled (esbuild missing).
import { fileURLToPath } from 'node:url';

import { bundled } from './bundle.mjs';

let entry;
try {
  entry = await bundled(fileURLToPath(new URL('./detect.ts', import.meta.url)));
} catch (error) {
  process.stderr.write(`detect: cannot bundle detect.ts (${error.message}); running it through tsx\n`);
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('./detect.ts', import.meta.url);
}
await import(entry.href);
