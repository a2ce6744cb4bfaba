import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CameraView } from '@maskwatch/protocol/camera';
import { CameraStore } from './CameraStore.ts';

function camera(id: string, name: string, status: CameraView['status'] = 'offline'): CameraView {
  return {
    id,
    name,
    kind: 'browser',
    rtspUrl: null,
    enabled: true,
    analysisEnabled: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    status,
    statusDetail: null,
    hasVideo: status === 'live',
    facesInView: null,
    producerId: null,
    analysis: { status: 'off', detail: null, nodeId: null },
  };
}

test('lists by name then id, and tells listeners of every change', () => {
  const store = new CameraStore();
  let calls = 0;
  store.subscribe(() => calls++);
  assert.equal(store.getSnapshot().loaded, false);
  store.replaceAll([camera('b', 'Yard'), camera('a', 'Door'), camera('c', 'Door')]);
  assert.deepEqual(store.getSnapshot().sorted.map((c) => c.id), ['a', 'c', 'b']);
  assert.equal(store.getSnapshot().loaded, true);
  const before = store.getSnapshot();
  store.upsert(camera('d', 'Attic'));
  assert.notEqual(store.getSnapshot(), before, 'a change gives a new snapshot (useSyncExternalStore)');
  store.remove('a');
  assert.deepEqual(store.getSnapshot().sorted.map((c) => c.id), ['d', 'c', 'b']);
  assert.equal(calls, 3);
});

test('a REST answer older than the pushes since its request does not undo them', () => {
  const store = new CameraStore();
  store.restStarted();
  store.upsert(camera('a', 'Door', 'live'));
  store.remove('b');
  // The REST answer was taken before both pushes: a offline, b still there.
  store.restLoaded([camera('a', 'Door', 'offline'), camera('b', 'Yard'), camera('c', 'Hall')]);
  const { cameras, loaded } = store.getSnapshot();
  assert.equal(loaded, true);
  assert.equal(cameras.get('a')?.status, 'live');
  assert.equal(cameras.has('b'), false);
  assert.equal(cameras.get('c')?.name, 'Hall');
});

test('a REST answer older than a full join list is ignored; a failure is shown until a list arrives', () => {
  const store = new CameraStore();
  store.restStarted();
  store.replaceAll([camera('a', 'Door')]);
  store.restLoaded([camera('a', 'Door'), camera('gone', 'Removed since')]);
  assert.deepEqual([...store.getSnapshot().cameras.keys()], ['a']);

  const failing = new CameraStore();
  failing.restStarted();
  failing.restFailed('HTTP 500');
  assert.deepEqual({ loaded: failing.getSnapshot().loaded, error: failing.getSnapshot().error }, { loaded: true, error: 'HTTP 500' });
  failing.replaceAll([]);
  assert.equal(failing.getSnapshot().error, null);
});
