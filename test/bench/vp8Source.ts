/**
 * A camera that publishes like a browser, for bench:live: VP8 with three temporal layers (L1T3, as the camera page
 * sends it), pre-encoded once with libvpx's temporal layering (0-2-1-2 pattern: a quarter of the frames in layer 0,
 * a quarter in layer 1, half in layer 2, references only downwards), and sent in real time over RTP with the VP8
 * payload descriptor a browser writes (picture id, TL0PICIDX, TID, layer sync), so that mediasoup can forward a
 * temporal layer alone. Like a browser, it sends a key frame when asked (PLI): it jumps to the clip's next one.
 */
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, sharedDir } from '../support/browser.ts';

/** One VP8 frame; `sync`: a layer 1 or 2 frame that refers to layer 0 only (a receiver may switch up there). */
export type Vp8Frame = { data: Buffer; keyframe: boolean; layer: number; sync: boolean };

/** Temporal layer of frame i in libvpx's 3-layer pattern (ts_layering_mode=3). */
const PATTERN = [0, 2, 1, 2];

/** `<shared>/videos/<name>` as VP8 L1T3 IVF at width x height and fps (cached in test/.artifacts). */
export async function encodeLayeredVp8(name: string, { width, height, fps, kbps }: { width: number; height: number; fps: number; kbps: number }): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const out = join(artifactsDir, `bench-${name.replace(/\.\w+$/, '')}-${width}x${height}-${fps}fps-l1t3.ivf`);
  if (existsSync(out)) return out;
  const tmp = `${out}.partial.ivf`;
  const layers = `ts_number_layers=3:ts_target_bitrate=${kbps / 4},${kbps / 2},${kbps}:ts_rate_decimator=4,2,1:ts_periodicity=4:ts_layer_id=0,2,1,2:ts_layering_mode=3`;
  const input = name.includes('/') ? name : join(sharedDir, 'videos', name);
  const filter = `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,fps=${fps}`;
  const args = ['-v', 'error', '-y', '-i', input, '-an', '-vf', filter, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'];
  // One key frame at the start (a browser sends more only when asked), the layers' bit rates.
  args.push('-b:v', `${kbps}k`, '-g', '100000', '-ts-parameters', layers, '-threads', '2', '-f', 'ivf', tmp);
  const ffmpeg = spawn('ffmpeg', args, { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => ffmpeg.once('exit', resolve));
  if (code !== 0) throw new Error(`ffmpeg could not encode ${name} as VP8 L1T3 (exit ${code})`);
  renameSync(tmp, out);
  return out;
}

/** The frames of an IVF file, with their temporal layer (the encoder's pattern restarts at every key frame). */
export function readIvf(path: string): Vp8Frame[] {
  const buf = readFileSync(path);
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
