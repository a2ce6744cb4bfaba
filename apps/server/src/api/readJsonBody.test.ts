import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJsonContentType } from './readJsonBody.ts';

test('only application/json (charset utf-8 at most) is read as JSON', () => {
  for (const ok of ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'])
    assert.equal(isJsonContentType(ok), true, ok);
  for (const bad of [
    undefined,
    '',
    'APPLICATION/JSON',
    'Application/Json',
    ' application/json',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'application/json; foo=bar',
    'application/json, text/plain',
    'application/jsonx',
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ])
    assert.equal(isJsonContentType(bad), false, String(bad));
});
