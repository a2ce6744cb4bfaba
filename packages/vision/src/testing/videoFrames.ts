// Test support (not a test): real frames from the shared clips, extracted once per process with ffmpeg.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../manifest/findRepoRoot.ts';

/** The shared clips: MASKWATCH_VIDEOS_DIR, else `videos/` of MASKWATCH_SHARED, else of `shared/` beside the checkout. */
export const VIDEOS_DIR =
  process.env.MASKWATCH_VIDEOS_DIR ??
  join(process.env.MASKWATCH_SHARED ?? join(findRepoRoot(), '..', 'shared'), 'videos');

const dirs: string[] = [];
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Extracts `count` frames, `fps` per second, of `<VIDEOS_DIR>/<video>` as PNGs; returns their paths. */
export function extractFrames(video: string, count: number, fps: number = 1): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'maskwatch-frames-'));
  dirs.push(dir);
  const result = spawnSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-nostdin',
      '-i',
      join(VIDEOS_DIR, video),
      '-vf',
      `fps=${fps}`,
      '-frames:v',
      String(count),
      join(dir, 'frame-%03d.png'),
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg failed on ${video}: ${result.stderr || result.error?.message}`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
  if (files.length !== count) throw new Error(`ffmpeg gave ${files.length} frames of ${video}, wanted ${count}`);
  return files;
}

/** A fresh temporary folder, removed at exit. */
export function tempDir(prefix: string = 'maskwatch-vision-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
