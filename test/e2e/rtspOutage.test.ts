/**
 * An RTSP source that goes away for a long while, then for a short one: the camera is live again within 5 s of the
 * source serving video again, although the ingest's backoff had its next attempt much later (the source probe cuts
 * the wait short). Real seconds on purpose: the product's backoff against a real outage.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs } from '../support/auth.ts';
import { waitFor } from '../support/client.ts';
import { firstFrameAt, startRtspSource, type RtspSource } from '../support/rtsp.ts';
import { cameraAsAdmin as status, createRtspCamera as createCamera } from '../support/rtspCamera.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('RTSP ingest through source outages', () => {
  let server: TestServer;
  let source: RtspSource;
  before(async () => {
    source = await startRtspSource();
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
    await source?.stop();
  });

  test('back within 5 s of the source returning, after a long outage and after a second one soon after', async () => {
    const id = await createCamera(server, 'Flaky source', source.url);
    await waitFor(async () => (await status(server, id)).status === 'live', 'live', 40_000);
    const outage = async (downMs: number): Promise<{ tookMs: number; backoffMs: number }> => {
      await source.stop();
      await waitFor(async () => (await status(server, id)).status === 'error', 'status error while the source is down');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      // The next attempt the backoff has scheduled (while an attempt runs, retryAt says when it started).
      const pending = await waitFor(async () => {
        const retryAt = (await status(server, id)).retryAt ?? 0;
        return retryAt > Date.now() ? retryAt : undefined;
      }, 'a scheduled retry');
      await source.start();
      // The source is back when it serves video (its own start-up is not the ingest's delay): a plain ffmpeg says when.
      const [sourceBack] = await Promise.all([
        firstFrameAt(source.url),
        waitFor(async () => (await status(server, id)).status === 'live', 'live again', 40_000, 50),
      ]);
      const tookMs = Date.now() - sourceBack;
      console.error(`live ${tookMs} ms after the source served video again (the backoff's next attempt was ${pending - sourceBack} ms away)`);
      return { tookMs, backoffMs: pending - sourceBack };
    };
    // 20 s down: attempts at about 0, 1, 3, 7, 15 s, the next at 31 s: the probe cuts the wait short.
    const first = await outage(20_000);
    assert.ok(first.backoffMs > 5_000, `the backoff was only ${first.backoffMs} ms away: this proves nothing`);
    assert.ok(first.tookMs <= 5_000, `live ${first.tookMs} ms after the source came back`);
    // A second outage right after recovering (no stable period): the probe's comeback started a new backoff series.
    const second = await outage(6_000);
    assert.ok(second.tookMs <= 5_000, `live ${second.tookMs} ms after the source came back`);
    const del = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
  });
});
