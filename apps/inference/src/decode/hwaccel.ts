import { spawn } from 'node:child_process';

/** How decoders decode: on the CPU, or on an NVIDIA GPU through NVDEC (H.264; VP8 stays on the CPU). */
export type DecoderAcceleration = 'none' | 'cuda';
/** The node's setting: `auto` takes NVDEC where it works. */
export type AccelerationSetting = 'none' | 'cuda' | 'auto';

/**
 * Whether this machine's ffmpeg can open a CUDA device (NVDEC): a one-frame run that only creates the device. The
 * reason is ffmpeg's own line ("Cannot load libcuda.so.1") when it cannot.
 */
export function probeCuda(ffmpegPath: string, timeoutMs = 10_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-init_hw_device', 'cuda=gpu', '-f', 'lavfi', '-i', 'nullsrc=s=64x64', '-frames:v', '1', '-f', 'null', '-'];
    let child;
    try {
      child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      resolve({ ok: false, reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const reason = stderr.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? `ffmpeg exited with ${code}`;
      resolve(code === 0 ? { ok: true } : { ok: false, reason });
    });
  });
}

/**
 * What decoders use, from the setting and the probe; `warning` is the one line to log when the setting asked for
 * NVDEC that this machine cannot give (decoding then stays on the CPU).
 */
export function chooseAcceleration(
  setting: AccelerationSetting,
  probe: { ok: true } | { ok: false; reason: string },
): { acceleration: DecoderAcceleration; warning?: string } {
  if (setting === 'none') return { acceleration: 'none' };
  if (probe.ok) return { acceleration: 'cuda' };
  if (setting === 'auto') return { acceleration: 'none' };
  return {
    acceleration: 'none',
    warning: `MASKWATCH_DECODER_HWACCEL=cuda, but NVDEC is unavailable (${probe.reason}): decoding on the CPU`,
  };
}
