/**
 * Forged video on an inference node's decoder port changes nothing: an RTSP camera is analysed by a real node over
 * the SRTP leg; an attacker sends another clip, at another size, as RTP with the camera's payload type and SSRC to
 * the decoder's port. Results keep coming, all of the camera's own frames; the node counts the forged packets in
 * `maskwatch_inference_rtp_rejected_packets_total`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { apiAs, connectViewer } from './support/auth.ts';
import { call, waitFor, type ClientSocket } from './support/client.ts';
import { startInferenceNode, type InferenceNodeProcess } from './support/inferenceNode.ts';
import { freeTcpPort, SHARED_DIR, startRtspSource, type RtspSource } from './support/rtsp.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const NOMASK = join(SHARED_DIR, 'videos', 'Gituatu_nomask.mp4');
const MASK = join(SHARED_DIR, 'videos', 'Gituatu_mask.mp4');

/** The node's count of rejected packets for `cameraId`, from its Prometheus endpoint. */
async function rejected(metricsPort: number, cameraId: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`maskwatch_inference_rtp_rejected_packets_total{camera="${cameraId}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('forged RTP on a decoder port', () => {
  let server: TestServer;
  let source: RtspSource;
  let viewer: ClientSocket;
  let node: InferenceNodeProcess | undefined;
  let metricsPort: number;
  let cameraId: string;

  before(async () => {
    source = await startRtspSource(NOMASK);
    server = await startTestServer();
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
    const res = await (
      await apiAs(server, 'admin')
    )('/api/cameras', {
      method: 'POST',
      json: { kind: 'rtsp', name: 'Gate', rtspUrl: source.url },
    });
    assert.equal(res.status, 201);
    cameraId = ((await res.json()) as CameraResponse).camera.id;
    metricsPort = await freeTcpPort();
    node = await startInferenceNode({
      serverUrl: server.url,
      dataDir: server.dataDir,
      nodeId: 'node-forged',
      env: { MASKWATCH_NODE_METRICS_PORT: String(metricsPort) },
    });
  });
  after(async () => {
    viewer?.close();
    await node?.close();
    await server?.close();
    await source?.stop();
  });

  test(
    "results stay the camera's own while another picture is injected; the node counts the forgeries",
    { timeout: 180_000 },
    async () => {
      const results: FrameResult[] = [];
      viewer.on('results:frame', (result) => {
        if (result.cameraId === cameraId) results.push(result);
      });
      const first = await waitFor(() => results.find((r) => r.faces.length > 0), 'a result with a face', 90_000);
      const size = `${first.width}x${first.height}`;
      const analysis = server.internals.inference.analysisOf(cameraId);
      assert.ok(analysis);
      assert.equal(await rejected(metricsPort, cameraId), 0, 'nothing rejected before the attack');

      const from = results.length;
      // The attacker knows the port, the payload type and the SSRC, and sends a picture of its own at another size.
      const forger = spawn(
        'ffmpeg',
        [
          ...[
            '-hide_banner',
            '-loglevel',
            'error',
            '-nostdin',
            '-re',
            '-t',
            '8',
            '-i',
            MASK,
            '-an',
            '-vf',
            'scale=320:180',
          ],
          ...[
            '-c:v',
            'libx264',
            '-preset',
            'ultrafast',
            '-tune',
            'zerolatency',
            '-profile:v',
            'baseline',
            '-bf',
            '0',
            '-g',
            '10',
          ],
          ...['-f', 'rtp', '-payload_type', String(analysis.stream.payloadType), '-ssrc', String(analysis.stream.ssrc)],
          `rtp://${analysis.nodeRtp.ip}:${analysis.nodeRtp.port}`,
        ],
        { stdio: 'ignore' },
      );
      await new Promise((resolve) => forger.once('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const during = results.slice(from);
      assert.ok(during.length >= 10, `only ${during.length} results while the forger sent`);
      const sizes = [...new Set(during.map((r) => `${r.width}x${r.height}`))];
      assert.deepEqual(sizes, [size], "every analysed frame is the camera's own");
      const count = await rejected(metricsPort, cameraId);
      const labels = during.flatMap((r) => r.faces.map((face) => face.trackLabel));
      console.error(
        `${during.length} results while forging, all ${size}, tracks labelled ${JSON.stringify(labels)}; the node rejected ${count} forged packets`,
      );
      assert.ok(count >= 100, `only ${count} forged packets counted`);
    },
  );
});
