import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickErrorLine } from './pickErrorLine.ts';

test('picks the last error-looking line, never a stream description', () => {
  assert.equal(
    pickErrorLine(['Input #0', 'rtsp://127.0.0.1:1/x: Connection refused', '']),
    'rtsp://127.0.0.1:1/x: Connection refused',
  );
  assert.equal(pickErrorLine(['a', 'Stream #0:0: Video: h264, 720x404']), undefined);
  assert.equal(
    pickErrorLine(["setpriv: failed to execute /nope/ffmpeg: No such file or directory"]),
    'setpriv: failed to execute /nope/ffmpeg: No such file or directory',
  );
});
