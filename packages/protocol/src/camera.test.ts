import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CameraNameSchema, CreateCameraSchema, graphemeLength, UpdateCameraSchema, redactRtspUrl } from './camera.ts';
import { MaskwatchError, parseOrThrow } from './errors.ts';

test('an RTSP camera needs an rtsp:// URL with a host', () => {
  assert.ok(CreateCameraSchema.safeParse({ kind: 'rtsp', name: 'Gate', rtspUrl: 'rtsp://10.0.0.5:554/live' }).success);
  for (const rtspUrl of ['http://x/y', 'rtsp://', 'not a url', '']) {
    assert.equal(CreateCameraSchema.safeParse({ kind: 'rtsp', name: 'Gate', rtspUrl }).success, false, rtspUrl);
  }
  assert.equal(CreateCameraSchema.safeParse({ kind: 'rtsp', name: 'Gate' }).success, false);
});

test('RTSP URLs that ffmpeg could misread are refused: control characters, option-like or malformed hosts', () => {
  const problem = (rtspUrl: string) => {
    const parsed = CreateCameraSchema.safeParse({ kind: 'rtsp', name: 'Gate', rtspUrl });
    return parsed.success ? undefined : parsed.error.issues[0]?.message;
  };
  for (const rtspUrl of [
    'rtsp://cam.local/x\u0000y',
    'rtsp://cam.local/a\tb',
    'rtsp://cam.local/a\nb',
    'rtsp://cam.local/a b',
    'rtsp://cam.local/a\u200bb',
    'rtsp://cam.local/\u007f',
  ]) {
    assert.match(problem(rtspUrl) ?? 'accepted', /control characters/, JSON.stringify(rtspUrl));
  }
  for (const rtspUrl of ['rtsp://-i/x', 'rtsp://-/x', 'rtsp://cam.-x/s', 'rtsp://cam-.local/s', 'rtsp://ca%41m/x', 'rtsp://c\u00e4m/x']) {
    assert.match(problem(rtspUrl) ?? 'accepted', /host must be/, rtspUrl);
  }
  for (const rtspUrl of ['-i rtsp://cam/x', 'rtsp:/cam/x', 'rtsp:cam', 'rtsp://', ' -rtsp://x']) {
    assert.ok(problem(rtspUrl), `${rtspUrl} accepted`);
  }
  for (const rtspUrl of [
    'rtsp://10.0.0.5:554/live',
    'RTSP://cam.local/Streaming/Channels/101?transportmode=unicast',
    'rtsp://admin:p%40ss@cam-2.site.example:8554/cam/realmonitor?channel=1&subtype=0',
    'rtsps://[fe80::1]:322/s',
    'rtsp://cam_1/x',
    'rtsp://xn--cm-via.example/s',
  ]) {
    assert.equal(problem(rtspUrl), undefined, rtspUrl);
  }
  // Also on update.
  assert.equal(UpdateCameraSchema.safeParse({ rtspUrl: 'rtsp://-i/x' }).success, false);
});

test('camera names are trimmed, bounded and free of control characters', () => {
  const parsed = CreateCameraSchema.parse({ kind: 'browser', name: '  Lab 2  ' });
  assert.equal(parsed.name, 'Lab 2');
  assert.equal(CreateCameraSchema.safeParse({ kind: 'browser', name: '   ' }).success, false);
  assert.equal(CreateCameraSchema.safeParse({ kind: 'browser', name: 'x'.repeat(65) }).success, false);
  assert.equal(CreateCameraSchema.safeParse({ kind: 'browser', name: 'a\u0000b' }).success, false);
});

test('camera names: length as people count it; no format, direction or invisible characters', () => {
  const ok = (name: string) => CameraNameSchema.safeParse(name).success;
  // 40 emoji are 80 UTF-16 units but 40 characters; 64 letters are fine, 65 are not, whatever their encoding.
  assert.ok(ok('\u{1F600}'.repeat(40)));
  assert.ok(ok('é'.repeat(64)));
  assert.ok(ok('e\u0301'.repeat(64)), 'decomposed accents are composed (NFC) first');
  assert.equal(ok('\u{1F600}'.repeat(65)), false);
  assert.equal(ok('x'.repeat(65)), false);
  assert.equal(CameraNameSchema.parse('Cafe\u0301'), 'Café');
  assert.ok(ok('\u{1F468}\u200D\u{1F469}\u200D\u{1F467} family'), 'emoji joined by ZWJ');
  assert.equal(graphemeLength('\u{1F1EB}\u{1F1F7}'), 1);
  for (const bad of ['\u202Egnp.exe', 'a\u2066b\u2069', 'a\u200Bb', 'na\uFEFFme', 'a\u2028b', 'a\u200Eb', 'a\uD800b', 'a\u061Cb']) {
    assert.equal(ok(bad), false, JSON.stringify(bad));
  }
});

test('unknown keys and empty updates are refused', () => {
  assert.equal(CreateCameraSchema.safeParse({ kind: 'browser', name: 'A', admin: true }).success, false);
  assert.equal(UpdateCameraSchema.safeParse({}).success, false);
  assert.equal(UpdateCameraSchema.safeParse({ enabled: 'yes' }).success, false);
  assert.ok(UpdateCameraSchema.safeParse({ enabled: false }).success);
});

test('parseOrThrow names the wrong field', () => {
  assert.throws(
    () => parseOrThrow(CreateCameraSchema, { kind: 'rtsp', name: 'A', rtspUrl: 'ftp://h/x' }, 'camera'),
    (error: unknown) =>
      error instanceof MaskwatchError &&
      error.code === 'bad_request' &&
      error.issues?.some((issue) => issue.path === 'rtspUrl') === true,
  );
});

test('credentials in RTSP URLs are redacted', () => {
  assert.equal(redactRtspUrl('rtsp://admin:secret@cam.local/s1'), 'rtsp://***:***@cam.local/s1');
  assert.equal(redactRtspUrl('rtsp://cam.local/s1'), 'rtsp://cam.local/s1');
  assert.equal(redactRtspUrl(null), null);
});
