/**
 * The frames a camera session keeps for alert snapshots: an alert's own frame while it is held, and once it is gone
 * (a busy server asks a moment late) the newest held frame that shows the same person, with that person's box there.
 * A real CameraDecoder (never started: no ffmpeg) and the real tracker; frames are made here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { Box } from '@maskwatch/protocol/faces';
import { ANALYSIS_SRTP_SUITE } from '@maskwatch/protocol/inference';
import type { BatchFace } from '@maskwatch/vision/pipeline/analyzeBatch';
import { CameraDecoder } from '../decode/CameraDecoder.ts';
import type { DecodedFrame } from '../decode/FrameReader.ts';
import { CameraSession } from './CameraSession.ts';

const STREAM = { mimeType: 'video/VP8' as const, payloadType: 96, clockRate: 90000, ssrc: 1234, parameters: {} };
const SRTP = { cryptoSuite: ANALYSIS_SRTP_SUITE as typeof ANALYSIS_SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') };

function face(box: Box): BatchFace {
  return { box, detScore: 0.95, label: 'no_mask', score: 0.9, probabilities: [0.05, 0.9, 0.05], appearance: new Array(56).fill(0.1) };
}

function frame(i: number, at: number): DecodedFrame {
  return { data: new Uint8Array(640 * 360 * 3).fill(i), width: 640, height: 360, arrivedAt: at, decodedAt: at };
}

test('an alert snapshot: its own frame while held, else the newest held frame of the same track, with its box there', () => {
  const decoder = new CameraDecoder({ cameraId: 'cam_session', stream: STREAM, host: '127.0.0.1', rtpPort: 40000, srtp: SRTP, fps: 5, maxSide: 640, ffmpegPath: 'ffmpeg' });
  const session = new CameraSession('cam_session', decoder);
  try {
    const t0 = Date.now();
    const results = [];
    // One person walking right across 30 frames at 5 fps, a second one standing still from frame 20 on.
    for (let i = 0; i < 30; i++) {
      const faces = [face([100 + i * 4, 100, 160 + i * 4, 160])];
      if (i >= 20) faces.push(face([450, 120, 500, 170]));
      const analysis = { faces, mode: 'full' as const, regions: 0, notFaces: 0, detectMs: 1, classifyMs: 1, classified: faces.length, reused: 0 };
      results.push(session.result({ cameraId: 'cam_session', frame: frame(i, t0 + i * 200), analysis, queueMs: 0 }, (ms) => ms));
    }
    const walker = results[29]!.faces.find((f) => f.box[0]! < 400)!;
    assert.ok(walker.trackId !== undefined, 'the walker has a track');
    assert.ok(results.slice(2).every((r) => r.faces.some((f) => f.trackId === walker.trackId)), 'one track across the frames');

    const last = results[29]!;
    const own = session.snapshotFrame(last.seq!, walker.trackId);
    assert.ok(own, 'the newest frame is held');
    assert.equal(own.frame.data[0], 29, 'its own frame');
    assert.equal(own.box, undefined, 'its own box is the one asked for');

    const early = results[2]!;
    assert.equal(session.frame(early.seq!), undefined, 'an early frame is no longer held');
    assert.equal(session.snapshotFrame(early.seq!), undefined, 'without a track there is nothing to fall back to');
    const later = session.snapshotFrame(early.seq!, walker.trackId);
    assert.ok(later, 'falls back to a held frame of the same person');
    assert.equal(later.frame.data[0], 29, 'the newest one that shows the walker');
    assert.deepEqual(later.box, last.faces.find((f) => f.trackId === walker.trackId)!.box, "the walker's box in that frame");
    assert.equal(later.blur?.length, 1, 'the other person in that frame is blurred');

    assert.equal(session.snapshotFrame(early.seq!, 9999), undefined, 'an unknown track: not found');
  } finally {
    session.close();
  }
});
