import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CameraView } from '@maskwatch/protocol/camera';
import { facesText, liveCountText, tileDetail, tileStatus } from './tileState.ts';

function camera(status: CameraView['status'], analysis: CameraView['analysis']['status'] = 'running', detail: string | null = null): CameraView {
  return {
    id: `cam_${status}`,
    name: status,
    kind: 'rtsp',
    enabled: true,
    analysisEnabled: analysis !== 'off',
    rtspUrl: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    status,
    statusDetail: status === 'error' ? 'the source is not available' : null,
    retryAt: null,
    hasVideo: status === 'live',
    facesInView: 1,
    producerId: null,
    analysis: { status: analysis, detail, nodeId: null },
  };
}

test('cut off from the server: every tile and the header say unknown, never LIVE', () => {
  const cameras = [camera('live'), camera('live'), camera('offline')];
  assert.equal(liveCountText(cameras, true), '2 live / 3 cameras');
  assert.equal(liveCountText(cameras, false), '3 cameras, state unknown');
  assert.deepEqual(cameras.map((c) => tileStatus(c, false)), ['unknown', 'unknown', 'unknown']);
  assert.deepEqual(cameras.map((c) => tileStatus(c, true)), ['live', 'live', 'offline']);
  assert.match(tileDetail(camera('live'), false, null) ?? '', /unknown/);
  assert.equal(facesText(camera('live'), false, 1), null);
});

test('a face count only while the analysis runs on a live camera', () => {
  assert.equal(facesText(camera('live'), true, 1), '1 face');
  assert.equal(facesText(camera('live'), true, 3), '3 faces');
  assert.equal(facesText(camera('live', 'off'), true, 1), null);
  assert.equal(facesText(camera('live', 'stalled'), true, 1), null);
  assert.equal(facesText(camera('offline'), true, 1), null);
});

test('the tile says why: the camera error, the video error, or the stalled analysis', () => {
  assert.equal(tileDetail(camera('error'), true, null), 'the source is not available');
  assert.equal(tileDetail(camera('live'), true, 'This browser cannot play it'), 'This browser cannot play it');
  assert.equal(tileDetail(camera('live', 'stalled', 'no video for 12 s'), true, null), 'Analysis stalled: no video for 12 s');
  assert.equal(tileDetail(camera('live', 'running'), true, null), null);
  assert.equal(tileDetail(camera('live', 'off', 'switched off'), true, null), null);
});
