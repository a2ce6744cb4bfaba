/**
 * Real Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core, a fake camera fed from a
 * shared test clip (converted once to y4m under test/.artifacts/, which Chromium loops), and helpers that read the
 * pages' data attributes and sample a playing <video>.
 *
 *   const clip = fakeCameraClip('Gituatu_nomask.mp4');
 *   const browser = await launchBrowser({ fakeVideo: clip });
 *   const page = await browser.newPage();
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where converted clips are cached (git-ignored). */
export const artifactsDir = join(repoRoot, 'test', '.artifacts');
/** CI clones the repository with `shared/` beside it, as on the development machines. */
export const sharedDir = process.env.MASKWATCH_SHARED ?? resolve(repoRoot, '..', 'shared');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type ClipOptions = { seconds?: number; width?: number; height?: number; fps?: number };

/** Converts `<shared>/videos/<name>` to a small y4m for `--use-file-for-fake-video-capture`; cached by parameters. */
export function fakeCameraClip(name: string, options: ClipOptions = {}): string {
  const { seconds = 4, width = 640, height = 360, fps = 15 } = options;
  const source = join(sharedDir, 'videos', name);
  if (!existsSync(source)) throw new Error(`test clip not found: ${source} (set MASKWATCH_SHARED)`);
  mkdirSync(artifactsDir, { recursive: true });
  const target = join(artifactsDir, `${name.replace(/\.[^.]+$/, '')}-${width}x${height}-${fps}fps-${seconds}s.y4m`);
  if (existsSync(target) && statSync(target).size > 0) return target;
  // Per process: test files run side by side may convert the same clip at once; the last rename wins, whole.
  const partial = `${target}.${process.pid}.partial.y4m`;
  // Letterboxed to the exact size so every clip gives the same capture format.
  const filter = `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,fps=${fps}`;
  execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-i',
      source,
      '-t',
      String(seconds),
      '-vf',
      filter,
      '-pix_fmt',
      'yuv420p',
      '-f',
      'yuv4mpegpipe',
      partial,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  renameSync(partial, target);
  return target;
}

export type LaunchOptions = { fakeVideo?: string; extraArgs?: string[] };

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Keep media and timers running in pages that are not in front (several pages share one browser).
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(options.fakeVideo ? [`--use-file-for-fake-video-capture=${options.fakeVideo}`] : []),
    ...(options.extraArgs ?? []),
  ];
  return chromium.launch({ executablePath: chromiumPath, args });
}

/**
 * Forwards page errors to the test log (prefixed), so a failing test shows what the page said; Content Security
 * Policy violations included (Chromium reports some only as an event).
 */
export function logPage(page: Page, prefix: string): void {
  void page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`),
    ),
  );
  page.on('pageerror', (error) => process.stderr.write(`[${prefix}] pageerror: ${error.message}\n`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      process.stderr.write(`[${prefix}] ${message.type()}: ${message.text()}\n`);
  });
}

/**
 * Opens a camera's publish link (see `createBrowserCamera` / `publishCamera` in ./auth.ts), starts the camera page
 * and waits until it says it is live; returns the camera id.
 */
export async function startCamera(page: Page, publishUrl: string, timeoutMs = 60_000): Promise<string> {
  await page.goto(publishUrl);
  // A person taps once the page has loaded, its face guide's detector included (it holds the page for seconds).
  await page.waitForSelector('html[data-face-detector="ready"]', { timeout: 30_000 }).catch(() => undefined);
  await page.getByRole('button', { name: 'Start camera' }).click();
  await page.waitForSelector('main[data-status="live"]', { timeout: timeoutMs });
  const id = await page.getAttribute('main[data-status="live"]', 'data-camera-id');
  if (!id) throw new Error('camera page is live but shows no camera id');
  return id;
}

export type VideoSample = {
  startTime: number;
  endTime: number;
  width: number;
  height: number;
  mean: number;
  variance: number;
};

/**
 * Samples the <video> matched by `selector`: currentTime before and after `waitMs`, and the luminance mean and
 * variance of the current frame drawn to a canvas (a black or single-colour frame has variance near zero).
 */
export async function sampleVideo(page: Page, selector: string, waitMs = 1500): Promise<VideoSample> {
  return page.$eval(
    selector,
    async (element, wait) => {
      const video = element as HTMLVideoElement;
      const startTime = video.currentTime;
      await new Promise((done) => setTimeout(done, wait));
      const width = video.videoWidth;
      const height = video.videoHeight;
      let mean = 0;
      let variance = 0;
      if (width > 0 && height > 0) {
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        if (ctx) {
          ctx.drawImage(video, 0, 0, width, height);
          const data = ctx.getImageData(0, 0, width, height).data;
          const n = data.length / 4;
          let sum = 0;
          let sumSq = 0;
          for (let i = 0; i < data.length; i += 4) {
            const y = 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0);
            sum += y;
            sumSq += y * y;
          }
          mean = sum / n;
          variance = sumSq / n - mean * mean;
        }
      }
      return { startTime, endTime: video.currentTime, width, height, mean, variance };
    },
    waitMs,
  );
}

/** Polls `check` until it returns a value that is not undefined, or throws with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
  );
}

/** Waits until the console tile of `cameraId` plays a non-blank, advancing picture; returns the last sample. */
export async function waitForTilePlaying(page: Page, cameraId: string, timeoutMs = 60_000): Promise<VideoSample> {
  const selector = `article[data-camera-id="${cameraId}"] video`;
  return waitUntil(
    `console tile ${cameraId} to play`,
    async () => {
      const sample = await sampleVideo(page, selector);
      return sample.endTime > sample.startTime && sample.width > 0 && sample.variance > VARIANCE_THRESHOLD
        ? sample
        : undefined;
    },
    timeoutMs,
    1000,
  );
}

/** Luminance variance above which a frame is taken as a picture (a flat frame is ~0; the clips give hundreds). */
export const VARIANCE_THRESHOLD = 50;
