/**
 * A camera that publishes like a browser, for bench:live: VP8 with three temporal layers (L1T3, as the camera page
 * sends it), pre-encoded once with libvpx's temporal layering (0-2-1-2 pattern: a quarter of the frames in layer 0,
 * a quarter in layer 1, half in layer 2, references only downwards; checked by decoding layer 0 alone), and sent in real time over RTP with the VP8
 * payload descriptor a browser writes (picture id, TL0PICIDX, TID, layer sync), so that mediasoup can forward a
 * temporal layer alone. Like a browser, it sends a key frame when asked (PLI): it jumps to the clip's next one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifactsDir, sharedDir } from '../support/browser.ts';

/** One VP8 frame; `sync`: a layer 1 or 2 frame that refers to layer 0 only (a receiver may switch up there). */
export type Vp8Frame = { data: Buffer; keyframe: boolean; layer: number; sync: boolean };

/** Temporal layer of frame i in libvpx's 3-layer pattern (ts_layering_mode=3). */
const PATTERN = [0, 2, 1, 2];
const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * `<shared>/videos/<name>` as VP8 L1T3 IVF at width x height and fps (cached in test/.artifacts): GStreamer's vp8enc
 * with libvpx's per-frame reference flags (encodeL1t3.py), remuxed to IVF by ffmpeg, then checked: layer 0 alone
 * must decode to the same picture as the whole stream (what the analysis node receives is layer 0).
 */
export async function encodeLayeredVp8(name: string, { width, height, fps, kbps }: { width: number; height: number; fps: number; kbps: number }): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const out = join(artifactsDir, `bench-${name.replace(/\.\w+$/, '')}-${width}x${height}-${fps}fps-l1t3-gst.ivf`);
  if (existsSync(out)) return out;
  const webm = `${out}.partial.webm`;
  const tmp = `${out}.partial.ivf`;
  const input = name.includes('/') ? name : join(sharedDir, 'videos', name);
  await run('/usr/bin/python3', [join(HERE, 'encodeL1t3.py'), input, webm, String(width), String(height), String(fps), String(kbps)]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', webm, '-c', 'copy', '-f', 'ivf', tmp]);
  rmSync(webm, { force: true });
  checkBaseLayer(tmp, width, height);
  renameSync(tmp, out);
  return out;
}

async function run(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${command} ${args.join(' ')}: exit ${code}`);
}

/** Throws unless the last layer-0 frame decoded alone matches the same frame decoded with every layer. */
export function checkBaseLayer(path: string, width: number, height: number): void {
  const buf = readFileSync(path);
  const headerLength = buf.readUInt16LE(6);
  const frames = readIvf(path, buf);
  const last = frames.map((frame, i) => (frame.layer === 0 ? i : -1)).filter((i) => i >= 0).at(-1)!;
  const baseOnly = frames.filter((frame) => frame.layer === 0);
  const parts: Buffer[] = [Buffer.from(buf.subarray(0, headerLength))];
  parts[0]!.writeUInt32LE(baseOnly.length, 24);
  baseOnly.forEach((frame, i) => {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(frame.data.length, 0);
    head.writeBigUInt64LE(BigInt(i), 4);
    parts.push(head, frame.data);
  });
  const basePath = `${path}.base.ivf`;
  writeFileSync(basePath, Buffer.concat(parts));
  const grey = (file: string, index: number): Buffer =>
    execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-vsync', '0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
      maxBuffer: width * height * 2,
    });
  const whole = grey(path, last);
  const base = grey(basePath, baseOnly.length - 1);
  rmSync(basePath, { force: true });
  let diff = 0;
  for (let i = 0; i < whole.length; i++) diff += Math.abs(whole[i]! - (base[i] ?? 0));
  const mean = diff / Math.max(1, whole.length);
  if (whole.length !== width * height || base.length !== whole.length || mean > 2) {
    throw new Error(`${path}: layer 0 alone does not decode to the stream's picture (mean difference ${mean.toFixed(1)} grey levels)`);
  }
}

/** The frames of an IVF file, with their temporal layer (the encoder's pattern restarts at every key frame). */
export function readIvf(path: string, buf: Buffer = readFileSync(path)): Vp8Frame[] {
  const frames: Vp8Frame[] = [];
  let sinceKey = 0;
  for (let p = buf.readUInt16LE(6); p + 12 <= buf.length; ) {
    const size = buf.readUInt32LE(p);
    const data = buf.subarray(p + 12, p + 12 + size);
    const keyframe = (data[0]! & 1) === 0;
    if (keyframe) sinceKey = 0;
    const position = sinceKey++ % PATTERN.length;
    // 0-2-1-2: the first layer-2 frame and the layer-1 frame refer to the layer-0 frame before them only.
    frames.push({ data, keyframe, layer: PATTERN[position]!, sync: position === 1 || position === 2 });
    p += 12 + size;
  }
  return frames;
}

const MAX_PAYLOAD = 1150;

/**
 * Sends `frames` in a loop at `fps` to a comedia PlainTransport (RTCP muxed): RTP with the VP8 payload descriptor
 * (X, S, PID; I with a 15-bit picture id, L with TL0PICIDX, T with TID and Y). A PLI makes the next frame sent a key
 * frame (the clip's next one, else its first).
 */
export class Vp8RtpSender {
  readonly #frames: Vp8Frame[];
  readonly #socket: Socket;
  /** RTCP has its own port (the transport does not mux): sender reports out, PLI in. */
  readonly #rtcp: Socket;
  readonly #target: { host: string; port: number; rtcpPort: number };
  #packets = 0;
  #octets = 0;
  #reportTimer: NodeJS.Timeout | undefined;
  readonly #pt: number;
  readonly #ssrc: number;
  readonly #frameMs: number;
  #index = 0;
  #seq = Math.floor(Math.random() * 65535);
  #timestamp = Math.floor(Math.random() * 2 ** 31);
  #pictureId = Math.floor(Math.random() * 32767);
  #tl0PicIdx = 0;
  #timer: NodeJS.Timeout | undefined;
  #nextAt = 0;
  #keyframeWanted = false;
  keyframesSent = 0;

  constructor(frames: Vp8Frame[], options: { host: string; port: number; rtcpPort: number; pt: number; ssrc: number; fps: number }) {
    this.#frames = frames;
    this.#target = { host: options.host, port: options.port, rtcpPort: options.rtcpPort };
    this.#pt = options.pt;
    this.#ssrc = options.ssrc;
    this.#frameMs = 1000 / options.fps;
    this.#socket = createSocket('udp4');
    this.#socket.on('error', () => undefined);
    this.#rtcp = createSocket('udp4');
    this.#rtcp.on('message', (packet) => this.#onRtcp(packet));
    this.#rtcp.on('error', () => undefined);
  }

  start(): void {
    this.#nextAt = performance.now();
    this.#tick();
    // The transport learns where to send RTCP (PLI) from our first report (comedia).
    this.#report();
    this.#reportTimer = setInterval(() => this.#report(), 1000);
  }

  close(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#reportTimer);
    for (const socket of [this.#socket, this.#rtcp]) {
      try {
        socket.close();
      } catch {
        // closed already
      }
    }
  }

  /** An RTCP sender report. */
  #report(): void {
    const sr = Buffer.alloc(28);
    sr[0] = 0x80;
    sr[1] = 200;
    sr.writeUInt16BE(6, 2);
    sr.writeUInt32BE(this.#ssrc >>> 0, 4);
    const ntp = Date.now() / 1000 + 2208988800;
    sr.writeUInt32BE(Math.floor(ntp) >>> 0, 8);
    sr.writeUInt32BE(Math.floor((ntp % 1) * 2 ** 32) >>> 0, 12);
    sr.writeUInt32BE(this.#timestamp >>> 0, 16);
    sr.writeUInt32BE(this.#packets >>> 0, 20);
    sr.writeUInt32BE(this.#octets >>> 0, 24);
    this.#rtcp.send(sr, this.#target.rtcpPort, this.#target.host);
  }

  #tick(): void {
    this.#sendFrame();
    this.#nextAt += this.#frameMs;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, this.#nextAt - performance.now()));
  }

  #sendFrame(): void {
    if (this.#keyframeWanted) {
      this.#keyframeWanted = false;
      const next = this.#frames.findIndex((f, i) => i >= this.#index && f.keyframe);
      this.#index = next >= 0 ? next : 0;
    }
    const frame = this.#frames[this.#index]!;
    this.#index = (this.#index + 1) % this.#frames.length;
    if (frame.keyframe) this.keyframesSent++;
    if (frame.layer === 0) this.#tl0PicIdx = (this.#tl0PicIdx + 1) & 0xff;
    const descriptor = (start: boolean) =>
      Buffer.from([
        0x80 | (start ? 0x10 : 0), // X, S, PID 0
        0xe0, // I, L, T
        0x80 | ((this.#pictureId >> 8) & 0x7f), // M + picture id (15 bits)
        this.#pictureId & 0xff,
        this.#tl0PicIdx,
        (frame.layer << 6) | (frame.sync || frame.keyframe ? 0x20 : 0), // TID, Y
      ]);
    for (let offset = 0; offset < frame.data.length; offset += MAX_PAYLOAD) {
      const chunk = frame.data.subarray(offset, offset + MAX_PAYLOAD);
      const last = offset + MAX_PAYLOAD >= frame.data.length;
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = (last ? 0x80 : 0) | this.#pt;
      header.writeUInt16BE(this.#seq, 2);
      header.writeUInt32BE(this.#timestamp >>> 0, 4);
      header.writeUInt32BE(this.#ssrc >>> 0, 8);
      this.#seq = (this.#seq + 1) & 0xffff;
      this.#packets++;
      this.#octets += chunk.length + 6;
      this.#socket.send(Buffer.concat([header, descriptor(offset === 0), chunk]), this.#target.port, this.#target.host);
    }
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    this.#timestamp = (this.#timestamp + Math.round(90 * this.#frameMs)) >>> 0;
  }

  /** RTCP from the SFU: a PLI (payload-specific feedback, FMT 1) or FIR asks for a key frame. */
  #onRtcp(packet: Buffer): void {
    for (let p = 0; p + 4 <= packet.length; ) {
      const fmt = packet[p]! & 0x1f;
      const type = packet[p + 1]!;
      if (type === 206 && (fmt === 1 || fmt === 4)) this.#keyframeWanted = true;
      p += (packet.readUInt16BE(p + 2) + 1) * 4;
    }
  }
}
