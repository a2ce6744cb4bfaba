/**
 * The RTSP test source itself (support/rtsp.ts): plain ffmpeg pulling from it decodes clean frames. Analysis tests
 * read these frames, so a corrupted picture (several slices per frame came out with a green block on top) must fail
 * here rather than as a wrong label somewhere else.
 */
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRtspSource, type RtspSource } from './support/rtsp.ts';

describe('RTSP test source', () => {
  let source: RtspSource;
  before(async () => {
    source = await startRtspSource();
  });
  after(async () => {
    await source?.stop();
  });

  test('plain ffmpeg decodes 3 s of it with no corrupt frame', async () => {
    const ffmpeg = spawn(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-rtsp_transport', 'tcp', '-i', source.url, '-t', '3', '-f', 'null', '-'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    ffmpeg.stderr.setEncoding('utf8');
    ffmpeg.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => ffmpeg.once('close', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, stderr.slice(-2000));
    const frames = Math.max(0, ...[...stderr.matchAll(/frame=\s*(\d+)/g)].map((match) => Number(match[1])));
    assert.ok(frames >= 50, `only ${frames} frames in 3 s`);
    const corrupt = stderr.split(/\r|\n/).filter((line) => /corrupt decoded frame|concealing|error while decoding/i.test(line));
    assert.deepEqual(corrupt, []);
  });
});
