import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALERT_SENTENCES, type AlertChange, type AlertEvent } from '@maskwatch/protocol/alerts';
import { SpokenAlerts } from './SpokenAlerts.ts';

function event(id: string, change: AlertChange, reminders: number, told = true): AlertEvent {
  return {
    change,
    announce: told ? { label: 'no_mask', sentence: ALERT_SENTENCES.no_mask, console: false } : null,
    alert: {
      id,
      cameraId: 'cam_a',
      cameraName: 'A',
      trackId: 1,
      label: 'no_mask',
      confidence: 0.9,
      firstSeenAt: 1,
      raisedAt: 2,
      resolvedAt: null,
      endedAt: null,
      reminders,
      lastRemindedAt: null,
      acknowledged: null,
      model: { name: 'm', sha256: '' },
      nodeId: null,
      latencyMs: 1,
      box: [0, 0, 10, 10],
      frame: { width: 640, height: 360 },
      snapshot: null,
    },
  };
}

test('an alert is said once when raised and once per reminder, however often its pushes arrive', () => {
  const spoken = new SpokenAlerts();
  const a = 'al_00000000000000aa';
  const said = [
    event(a, 'raised', 0),
    event(a, 'raised', 0), // delivered again (reconnection)
    event(a, 'reminded', 1),
    event(a, 'reminded', 1),
    event(a, 'resolved', 1, false),
    event(a, 'reopened', 1, false), // back within the cooldown, no reminder due: not said
    event(a, 'reopened', 2), // a reminder was due
    event(a, 'acknowledged', 2, false),
  ].map((e) => spoken.take(e));
  assert.deepEqual(said, [true, false, true, false, false, false, true, false]);
  // Another person's alert is said on its own.
  assert.equal(spoken.take(event('al_00000000000000bb', 'raised', 0)), true);
  // A reminder seen before its raise (the raise push was missed) is said once; the late raise is not.
  const c = 'al_00000000000000cc';
  assert.equal(spoken.take(event(c, 'reminded', 1)), true);
  assert.equal(spoken.take(event(c, 'raised', 0)), false);
});

test('a new alert is said on alert:say, before it is stored; its alert:raised then says nothing, its reminders do', () => {
  const spoken = new SpokenAlerts();
  const a = 'al_00000000000000cc';
  const say = { alertId: a, cameraId: 'cam_a', trackId: 1, announce: { label: 'no_mask' as const, sentence: ALERT_SENTENCES.no_mask, console: false } };
  assert.equal(spoken.takeSay(say), true);
  assert.equal(spoken.takeSay(say), false, 'said once');
  assert.equal(spoken.take(event(a, 'raised', 0)), false, 'the stored alert: already said');
  assert.equal(spoken.take(event(a, 'reminded', 1)), true);
  // A raise that came without its say (a page that joined in between) is said on alert:raised.
  assert.equal(spoken.take(event('al_00000000000000dd', 'raised', 0)), true);
  assert.equal(spoken.takeSay({ ...say, alertId: 'al_00000000000000dd' }), false);
});
