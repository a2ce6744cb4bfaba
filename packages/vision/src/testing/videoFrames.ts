// Test support (not a test): real frames from the shared clips, extracted once per process with ffmpeg.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbFrame } from '../image/RgbFrame.ts';
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

/**
 * Every frame of `<VIDEOS_DIR>/<video>` (its own rate, no frame dropped or repeated), scaled as the inference node
 * scales them (longer side at most `maxSide`, even sizes), as RGB frames handed one at a time to `onFrame` (so a
 * clip is never all in memory). Resolves with the number of frames.
 */
export async function eachVideoFrame(
  video: string,
  maxSide: number,
  onFrame: (frame: RgbFrame, index: number) => Promise<void> | void,
): Promise<number> {
  const probe = spawnSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', join(VIDEOS_DIR, video)],
    { encoding: 'utf8' },
  );
  const [w, h] = probe.stdout.trim().split(',').map(Number) as [number, number];
  if (!(w > 0 && h > 0)) throw new Error(`ffprobe could not read ${video}: ${probe.stderr || probe.error?.message}`);
  const scale = Math.min(1, maxSide / Math.max(w, h));
  const width = 2 * Math.round((w * scale) / 2);
  const height = 2 * Math.round((h * scale) / 2);
  const child = spawn(
    'ffmpeg',
    ['-loglevel', 'error', '-nostdin', '-i', join(VIDEOS_DIR, video), '-vf', `scale=${width}:${height}:flags=bilinear`, '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const size = width * height * 3;
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= size) {
      const data = new Uint8Array(pending.subarray(0, size));
      pending = pending.subarray(size);
      await onFrame({ data, width, height }, index++);
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg failed on ${video}: ${stderr}`);
  return index;
}
