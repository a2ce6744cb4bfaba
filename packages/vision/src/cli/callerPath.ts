import { isAbsolute, resolve } from 'node:path';

/**
 * Resolves a path the user typed. `npm run -w <pkg>` runs scripts inside the package folder, so relative paths
 * are taken from the caller's folder, which npm passes as INIT_CWD.
 */
export function callerPath(path: string): string {
  if (isAbsolute(path)) return path;
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
