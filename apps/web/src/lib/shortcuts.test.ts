import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHORTCUTS, shortcutFor } from './shortcuts.ts';

const key = (k: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...extra,
});

test('each documented key does what the list says', () => {
  assert.deepEqual(shortcutFor(key('?')), { kind: 'help' });
  assert.deepEqual(shortcutFor(key('Escape')), { kind: 'close' });
  assert.deepEqual(shortcutFor(key('1')), { kind: 'enlarge', index: 0 });
  assert.deepEqual(shortcutFor(key('9')), { kind: 'enlarge', index: 8 });
  assert.deepEqual(shortcutFor(key('f')), { kind: 'fullscreen' });
  assert.deepEqual(shortcutFor(key('F')), { kind: 'fullscreen' });
  assert.deepEqual(shortcutFor(key('g')), { kind: 'layout' });
  assert.deepEqual(shortcutFor(key('ArrowRight')), { kind: 'page', delta: 1 });
  assert.deepEqual(shortcutFor(key('PageUp')), { kind: 'page', delta: -1 });
  assert.deepEqual(shortcutFor(key('a')), { kind: 'alerts' });
  assert.ok(SHORTCUTS.some((s) => s.keys.includes('?')));
});

test('browser shortcuts and other keys are left alone', () => {
  assert.equal(shortcutFor(key('f', { ctrlKey: true })), null, 'Ctrl+F finds in the page');
  assert.equal(shortcutFor(key('r', { metaKey: true })), null);
  assert.equal(shortcutFor(key('0')), null);
  assert.equal(shortcutFor(key('x')), null);
});
