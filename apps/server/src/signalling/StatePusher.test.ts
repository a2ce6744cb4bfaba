import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CameraView } from '@maskwatch/protocol/camera';
import { StatePusher } from './StatePusher.ts';

const view = (id: string, facesInView: number): CameraView => ({
  id,
  name: id,
  kind: 'browser',
  rtspUrl: null,
  enabled: true,
  analysisEnabled: true,
  createdAt: '',
  updatedAt: '',
  status: 'live',
  statusDetail: null,
  hasVideo: true,
  facesInView,
  producerId: null,
  analysis: { status: 'off', detail: null, nodeId: null },
});

test('the first change goes at once, a storm becomes its latest state, repeats and removed cameras are not sent', async () => {
  const sent: [string, number | null][] = [];
  const pusher = new StatePusher((v) => sent.push([v.id, v.facesInView]), 100);
  pusher.push(view('a', 1));
  assert.deepEqual(sent, [['a', 1]]);
  for (let i = 2; i < 1000; i++) pusher.push(view('a', i));
  pusher.push(view('b', 7));
  assert.deepEqual(sent, [['a', 1], ['b', 7]], 'another camera is not held back');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.deepEqual(sent.at(-1), ['a', 999]);
  assert.equal(sent.length, 3);
  await new Promise((resolve) => setTimeout(resolve, 150));
  pusher.push(view('a', 999));
  assert.equal(sent.length, 3, 'no change, no push');
  pusher.push(view('b', 8));
  pusher.push(view('b', 9));
  pusher.drop('b');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.deepEqual(sent.at(-1), ['b', 8]);
  pusher.close();
});
