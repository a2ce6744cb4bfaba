/**
 * `npm run bench:live`: the whole live path under load, numbers and no verdict.
 *
 *   N synthetic cameras (ffmpeg streaming pre-encoded 640x360 H.264 clips from ../shared/videos into PlainTransport
 *   producers of a real server) -> SFU -> one inference node process -> results to a socket.io viewer.
 *
 * For N = 1, 4, 8, 16 (or `--cameras 4,8`), after a warm-up, it prints per camera the analysed fps and dropped
 * frames, the capture-to-viewer latency (p50, p95: from the frame passing the SFU to its result reaching the
 * viewer, one clock), and CPU and memory of each process. `--soak 300` keeps the 8-camera run for 300 s and prints
 * the node's memory every 30 s (flat memory is the target). First it prints one node's analysis throughput on
 * 640x360 frames (the worker alone). Alerts too: how many were raised on the unmasked clip's cameras and on the
 * masked clips' cameras, and the capture-to-alert latency (from the first frame of the non-compliant run, voting
 * included, to the alert reaching the viewer), per clip: `Gituatu_nomask` should alert, `Gituatu_mask` never, the two
 * others show people putting masks on and taking them off.
 *
 * Targets on the 2-core development machine (issue 6): 4 cameras x 5 fps at p95 <= 250 ms; 8 cameras for 5 minutes
 * with flat memory; past that, frames dropped, latency bounded. Issue 8: capture-to-alert p95 <= 1.5 s, no alert on
 * a masked clip over a 5-minute loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AlertEvent } from '@maskwatch/protocol/alerts';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { AnalysisWorker } from '@maskwatch/inference/analyse/AnalysisWorker';
import { artifactsDir, sharedDir } from '../support/browser.ts';
import { connectViewer } from '../support/auth.ts';
import { call } from '../support/client.ts';
import { childrenOf, usageOf } from '../support/processes.ts';
import { startInferenceNode } from '../support/inferenceNode.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '1,4,8,16' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '15' },
    soak: { type: 'string', default: '0' },
  },
});
const COUNTS = values.cameras.split(',').map(Number);
const MEASURE_S = Number(values.seconds);
const WARMUP_S = Number(values.warmup);
const SOAK_S = Number(values.soak);
const CLIPS = ['Gituatu_nomask.mp4', 'Gituatu_mask.mp4', 'diazoniclabs_mask.mp4', '916241958_mask.mp4'];
const PT = 102;

/**
 * A clip as 640x360 Constrained Baseline H.264 (1 s GOP) in MPEG-TS (SPS/PPS before every key frame), made once:
 * streaming it costs no encoding, and looping it needs no bitstream filter (ffmpeg 5.1's break on the loop).
 */
async function encodedClip(name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const out = join(artifactsDir, `bench-${name.replace(/\.mp4$/, '')}-360p.ts`);
  if (existsSync(out)) return out;
  const tmp = `${out}.partial.ts`;
  const args = ['-v', 'error', '-y', '-i', join(sharedDir, 'videos', name), '-an', '-vf', 'scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,fps=25'];
  const codec = ['-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'veryfast', '-g', '25', '-bf', '0', '-threads', '1', '-f', 'mpegts'];
  const result = spawn('ffmpeg', [...args, ...codec, tmp], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => result.once('exit', resolve));
  if (code !== 0) throw new Error(`ffmpeg could not encode ${name} (exit ${code})`);
  renameSync(tmp, out);
  return out;
}

type Source = { cameraId: string; clip: string; ffmpeg: ChildProcess; close(): void };

/** One synthetic camera: ffmpeg loops `clip` in real time into a comedia PlainTransport producer on the server. */
async function startSource(server: TestServer, index: number, clip: string): Promise<Source> {
  const camera = server.internals.cameras.create({ kind: 'browser', name: `bench-${index}` });
  const room = await server.internals.media.getRoom();
  const transport = await room.createPlainTransport({ cameraId: camera.id, bench: true });
  const ssrc = randomInt(1, 2 ** 31);
  const producer = await transport.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [
        {
          mimeType: 'video/H264',
          payloadType: PT,
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
          rtcpFeedback: [],
        },
      ],
      encodings: [{ ssrc }],
    },
    appData: { cameraId: camera.id, group: 'default' },
  });
  server.internals.cameras.publish(camera.id, { id: 'bench', stop: () => transport.close() }, { producer, group: 'default' });
  server.internals.cameras.setStatus(camera.id, 'live', null, 'bench');
  const ffmpeg = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip, '-an', '-c:v', 'copy'],
      ...['-f', 'rtp', '-payload_type', String(PT), '-ssrc', String(ssrc)],
      `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple?.localPort}&pkt_size=1200`,
    ],
    { stdio: 'ignore' },
  );
  return {
    cameraId: camera.id,
    clip,
    ffmpeg,
    close() {
      ffmpeg.kill('SIGKILL');
      transport.close();
      server.internals.cameras.remove(camera.id);
    },
  };
}

/** CPU seconds and RSS of a process and, with `children`, of its direct children. */
function usage(pid: number, children = false): { cpuS: number; rssMb: number } {
  const total = usageOf(pid);
  if (children) {
    for (const child of childrenOf(pid).map(usageOf)) {
      total.cpuS += child.cpuS;
      total.rssMb += child.rssMb;
    }
  }
  return total;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');

async function workerThroughput(): Promise<void> {
  const worker = await AnalysisWorker.create({ detectorOptions: { maxInputSide: 640, scoreThreshold: 0.3 } });
  const frameOf = () => {
    // A real picture: the first frame of a clip, decoded by ffmpeg to 640x360 RGB.
    const raw = spawn('ffmpeg', ['-v', 'error', '-i', join(sharedDir, 'videos', 'diazoniclabs_mask.mp4'), '-frames:v', '1', '-vf', 'scale=640:360', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    const chunks: Buffer[] = [];
    raw.stdout.on('data', (c: Buffer) => chunks.push(c));
    return new Promise<Uint8Array>((resolve) => raw.once('exit', () => resolve(new Uint8Array(Buffer.concat(chunks)))));
  };
  const picture = await frameOf();
  for (const batch of [1, 4, 8]) {
    const rounds = Math.max(5, Math.round(40 / batch));
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) {
      const frames = Array.from({ length: batch }, () => ({ width: 640, height: 360, data: picture.slice() }));
      await worker.analyse(frames);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`node throughput, 640x360, batch ${batch}: ${f1((rounds * batch) / seconds)} frames/s`);
  }
  await worker.close();
}

async function run(server: TestServer, count: number, nodePid: number): Promise<void> {
  const clips = await Promise.all(CLIPS.map((clip) => encodedClip(clip)));
  const sources = await Promise.all(Array.from({ length: count }, (_, i) => startSource(server, i, clips[i % clips.length]!)));
  const viewer = await connectViewer(server, 'operator');
  await call(viewer, 'viewer:join', {});
  const ids = new Set(sources.map((s) => s.cameraId));
  let measuring = false;
  const latencies: number[] = [];
  const perCamera = new Map<string, number>();
  viewer.on('results:frame', (result: FrameResult) => {
    if (!measuring || !ids.has(result.cameraId)) return;
    latencies.push(Date.now() - result.ts);
    perCamera.set(result.cameraId, (perCamera.get(result.cameraId) ?? 0) + 1);
  });
  // Alerts from the start (warm-up included: the first alert of each camera comes in its first seconds).
  // Per clip: Gituatu_nomask should alert, Gituatu_mask never; the two others show people putting masks on and off.
  const clipOf = new Map(sources.map((s) => [s.cameraId, basename(s.clip).replace(/^bench-|-360p\.ts$/g, '')]));
  const alertLatencies: number[] = [];
  const alertsPerClip = new Map<string, number>();
  await call(viewer, 'alerts:subscribe', { recent: 0 });
  viewer.on('alert:raised', (event: AlertEvent) => {
    const clip = clipOf.get(event.alert.cameraId);
    if (clip === undefined) return;
    alertsPerClip.set(clip, (alertsPerClip.get(clip) ?? 0) + 1);
    if (clip === 'Gituatu_nomask') alertLatencies.push(Date.now() - event.alert.firstSeenAt);
  });
  const runStart = Date.now();
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const statsBefore = server.internals.inference.nodeStats();
  const dropBefore = droppedOf(statsBefore, ids);
  const u0 = { server: usage(process.pid), node: usage(nodePid, true), sources: sources.map((s) => usage(s.ffmpeg.pid!)) };
  measuring = true;
  const seconds = count === 8 && SOAK_S > 0 ? SOAK_S : MEASURE_S;
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    await new Promise((r) => setTimeout(r, Math.min(30_000, seconds * 1000 - (Date.now() - start))));
    if (seconds > MEASURE_S) console.log(`  ${Math.round((Date.now() - start) / 1000)} s: node RSS ${f1(usage(nodePid).rssMb)} MB`);
  }
  measuring = false;
  const u1 = { server: usage(process.pid), node: usage(nodePid, true), sources: sources.map((s) => usage(s.ffmpeg.pid!)) };
  const dropped = droppedOf(server.internals.inference.nodeStats(), ids) - dropBefore;
  const fps = [...ids].map((id) => (perCamera.get(id) ?? 0) / seconds);
  const cpu = (a: { cpuS: number }, b: { cpuS: number }) => ((b.cpuS - a.cpuS) / seconds) * 100;
  const sourceCpu = u1.sources.reduce((sum, u, i) => sum + cpu(u0.sources[i]!, u), 0);
  console.log(
    [
      `cameras ${count}: analysed fps per camera min ${f1(Math.min(...fps))} mean ${f1(fps.reduce((a, b) => a + b, 0) / count)}`,
      `dropped ${dropped} (${f1(dropped / seconds)}/s)`,
      `capture->viewer p50 ${f1(percentile(latencies, 0.5))} ms p95 ${f1(percentile(latencies, 0.95))} ms (${latencies.length} results)`,
      `CPU % server ${f1(cpu(u0.server, u1.server))} node+decoders ${f1(cpu(u0.node, u1.node))} sources ${f1(sourceCpu)}`,
      `RSS MB server ${f1(u1.server.rssMb)} node+decoders ${f1(u1.node.rssMb)}`,
    ].join(' | '),
  );
  const runS = (Date.now() - runStart) / 1000;
  const cams = (clip: string) => [...clipOf.values()].filter((c) => c === clip).length;
  const perClip = [...new Set(clipOf.values())].map((clip) => `${clip} ${alertsPerClip.get(clip) ?? 0} (${cams(clip)} cam)`);
  console.log(
    `  alerts over ${f1(runS)} s: ${perClip.join(', ')}` +
      (alertLatencies.length > 0
        ? ` | Gituatu_nomask capture->alert p50 ${f1(percentile(alertLatencies, 0.5))} ms p95 ${f1(percentile(alertLatencies, 0.95))} ms (voting included)`
        : ''),
  );
  viewer.close();
  for (const source of sources) source.close();
  await new Promise((r) => setTimeout(r, 3000));
}

function droppedOf(stats: ReturnType<TestServer['internals']['inference']['nodeStats']>, ids: Set<string>): number {
  let total = 0;
  for (const node of stats.values()) {
    for (const camera of node.cameras) {
      if (ids.has(camera.cameraId)) total += Object.values(camera.dropped).reduce((a, b) => a + b, 0);
    }
  }
  return total;
}

await workerThroughput();
const server = await startTestServer({ env: { MASKWATCH_WORKERS: '1' } });
const node = await startInferenceNode({
  serverUrl: server.url,
  dataDir: server.dataDir,
  nodeId: 'bench-node',
  ...(process.env.BENCH_DEBUG ? { env: { MASKWATCH_LOG_LEVEL: 'debug' } } : {}),
});
try {
  for (const count of COUNTS) await run(server, count, node.pid);
} finally {
  if (process.env.BENCH_DEBUG) (await import('node:fs')).writeFileSync('/tmp/bench-node.log', node.output());
  await node.close();
  await server.close();
}
