/**
 * A real RTSP source for tests: GStreamer's RTSP server (rtsp_server.py, apt gir1.2-gst-rtsp-server-1.0) fed by
 * ffmpeg looping a clip from ../shared/videos as MPEG-TS over loopback UDP.
 *
 *   const source = await startRtspSource();   // source.url = rtsp://127.0.0.1:<port>/cam, H.264 High as IP cameras send
 *   const plain = await startRtspSource(CLIP, { profile: 'baseline' });
 *   await source.stop();                      // kills server and feeder (the URL now refuses connections)
 *   await source.away();                      // the server answers, but not with the stream (404, like a relay
 *                                             // whose camera is gone)
 *   await source.start();                     // same URL again
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '../..');
/** shared/ sits beside the repository (CI clones it there too). */
export const SHARED_DIR = process.env.MASKWATCH_SHARED ?? resolve(REPO_ROOT, '../shared');
export const CLIP = join(SHARED_DIR, 'videos', 'Gituatu_mask.mp4');

export async function freeTcpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export async function freeUdpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolvePort(port));
    });
  });
}

export type RtspSource = { url: string; start(): Promise<void>; stop(): Promise<void>; away(): Promise<void> };

function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('close', () => done());
    child.kill('SIGKILL');
  });
}

export type RtspSourceOptions = {
  /**
   * The H.264 profile sent (default high: what most IP cameras send, and what Chromium's WebRTC cannot receive, so
   * the console must convert it for viewers). baseline: what browsers send.
   */
  profile?: 'high' | 'baseline';
};

export async function startRtspSource(clip = CLIP, options: RtspSourceOptions = {}): Promise<RtspSource> {
  const profile = options.profile ?? 'high';
  if (!existsSync(clip)) throw new Error(`test clip not found: ${clip} (shared/ must sit beside the repository)`);
  const rtspPort = await freeTcpPort();
  const udpPort = await freeUdpPort();
  let server: ChildProcess | undefined;
  let feeder: ChildProcess | undefined;
  const serve = async (mount: string): Promise<void> => {
    server = spawn('/usr/bin/python3', [join(HERE, 'rtsp_server.py'), String(rtspPort), String(udpPort), mount], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((ready, reject) => {
      server!.once('exit', (code) => reject(new Error(`rtsp_server.py exited (${code})`)));
      server!.stdout!.once('data', () => ready());
    });
  };
  const source: RtspSource = {
    url: `rtsp://127.0.0.1:${rtspPort}/cam`,
    async start() {
      await source.stop();
      await serve('cam');
      // No B-frames (as most cameras in live mode) keeps timestamps simple for the GStreamer repacketiser. One slice per frame
      // (-threads 1: x264 cuts a slice per thread): with several, the repacketised stream decodes with a green block
      // over the top of the picture ("corrupt decoded frame"), and analysis would read those frames.
      feeder = spawn(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-nostdin',
          '-re',
          '-stream_loop',
          '-1',
          '-i',
          clip,
          '-an',
          '-c:v',
          'libx264',
          '-threads',
          '1',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-profile:v',
          profile,
          // ultrafast turns off what makes a stream High (CABAC, 8x8 transforms) and x264 then signals the lowest
          // profile that fits (Constrained Baseline): turn them on again for a real High stream.
          ...(profile === 'high' ? ['-x264-params', 'cabac=1:8x8dct=1'] : []),
          '-pix_fmt',
          'yuv420p',
          '-g',
          '25',
          '-bf',
          '0',
          '-f',
          'mpegts',
          `udp://127.0.0.1:${udpPort}?pkt_size=1316`,
        ],
        { stdio: 'ignore' },
      );
    },
    async stop() {
      await Promise.all([kill(feeder), kill(server)]);
    },
    async away() {
      await source.stop();
      await serve('away');
    },
  };
  await source.start();
  return source;
}

/** When plain ffmpeg first decodes a frame from `url` (ms since the epoch), trying again while it refuses. */
export async function firstFrameAt(url: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ffmpeg = spawn(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', '-f', 'null', '-'],
      {
        stdio: 'ignore',
      },
    );
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => ffmpeg.once('close', resolve));
    clearTimeout(timer);
    if (code === 0) return Date.now();
    if (Date.now() > deadline) throw new Error(`no frame from ${url} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
