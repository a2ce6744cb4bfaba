/**
 * An RTSP camera is live again within 5 s of its source returning, however long it was away: a real RTSP source
 * (GStreamer) goes away (killed: connections refused; or answering 404 for the stream, as a relay whose camera is
 * gone does) for a short, a longer and a long outage, against an RtspIngest on a real mediasoup router with its
 * timings scaled down (backoff 250 ms .. 12 s instead of 1 .. 30 s), so that the backoff alone would often wait
 * longer than 5 s.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CameraStatus } from '@maskwatch/protocol/camera';
import { RtspIngest } from '@maskwatch/server/ingest/RtspIngest';
import { waitFor } from './support/client.ts';
import { firstFrameAt, startRtspSource, type RtspSource } from './support/rtsp.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('RTSP comeback after outages, timings scaled down', () => {
  let server: TestServer;
  let source: RtspSource;
  let ingest: RtspIngest | undefined;
  before(async () => {
    source = await startRtspSource();
    server = await startTestServer();
  });
  after(async () => {
    ingest?.close();
    await server?.close();
    await source?.stop();
  });

  test(
    'live within 5 s of the source returning after 1.5 s, 6 s and 15 s away (refusing, or answering 404)',
    { timeout: 240_000 },
    async () => {
      let status: { status: CameraStatus; retryAt: number | null } = { status: 'offline', retryAt: null };
      ingest = new RtspIngest({
        cameraId: 'cam_comeback',
        url: source.url,
        getRoom: () => server.internals.media.getRoom(),
        ffmpegPath: 'ffmpeg',
        mode: 'copy',
        retryMinMs: 250,
        retryMaxMs: 12_000,
        liveTimeoutMs: 10_000,
        stallMs: 1_500,
        probeIntervalMs: 100,
      });
      ingest.on('status', (next, _detail, retryAt) => (status = { status: next, retryAt }));
      ingest.start();
      await waitFor(() => status.status === 'live', 'live', 40_000);
      const results: string[] = [];
      let longestBackoffMs = 0;
      for (const [downMs, how] of [
        [1_500, 'refusing'],
        [6_000, 'answering 404'],
        [15_000, 'refusing'],
      ] as const) {
        await (how === 'refusing' ? source.stop() : source.away());
        await waitFor(() => status.status === 'error', `an error status while the source is ${how}`, 20_000);
        await new Promise((resolve) => setTimeout(resolve, downMs));
        // The attempt the backoff has scheduled next; after the long outage, one a full 12 s backoff away.
        const ahead = downMs > 10_000 ? 10_000 : 0;
        const pending = await waitFor(
          () => ((status.retryAt ?? 0) > Date.now() + ahead ? status.retryAt : undefined),
          'a scheduled retry',
          20_000,
          20,
        );
        await source.start();
        // The source is back when it serves video (its own start-up is not the ingest's delay): a plain ffmpeg says when.
        const [sourceBack] = await Promise.all([
          firstFrameAt(source.url),
          waitFor(() => status.status === 'live', 'live again', 40_000, 20),
        ]);
        const tookMs = Date.now() - sourceBack;
        longestBackoffMs = Math.max(longestBackoffMs, pending - sourceBack);
        results.push(
          `${downMs / 1000} s ${how}: live ${tookMs} ms after the source served video (the backoff's next attempt was ${pending - sourceBack} ms away)`,
        );
        assert.ok(tookMs <= 5_000, results.join('; '));
      }
      console.error(results.join('\n'));
      // The long outage saturated the backoff: without the probe the camera would have waited past 5 s.
      assert.ok(longestBackoffMs > 5_000, `the backoff never waited long: this proves nothing (${results.join('; ')})`);
    },
  );
});
