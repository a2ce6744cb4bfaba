import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { defineRoute, type Route } from './Route.ts';
import { pathSegments, RouteTable } from './RouteTable.ts';

const route = (method: Route['method'], path: string, params?: z.ZodType): Route =>
  defineRoute({ method, path, access: 'public', summary: path, params, handler: () => ({ status: 204 }) });
const id = z.object({ id: z.string() });

describe('RouteTable', () => {
  const table = new RouteTable([
    route('GET', '/api/things', undefined),
    route('POST', '/api/things', undefined),
    route('GET', '/api/things/:id', id),
    route('DELETE', '/api/things/:id', id),
    route('GET', '/api/things/settings', undefined),
  ]);

  test('matches method and path, HEAD as GET, and gives raw parameters', () => {
    const found = table.match('GET', ['api', 'things', 'cam_1']);
    assert.equal(found.kind, 'found');
    assert.deepEqual(found.kind === 'found' && found.rawParams, { id: 'cam_1' });
    assert.equal(table.match('HEAD', ['api', 'things']).kind, 'found');
    assert.deepEqual(table.match('PUT', ['api', 'things']), { kind: 'wrong_method', allow: ['GET', 'POST'] });
    assert.equal(table.match('GET', ['api', 'nothing']).kind, 'none');
    assert.equal(table.match('GET', ['api', 'things', 'a', 'b']).kind, 'none');
  });

  test('a literal segment wins over a parameter, for every method', () => {
    const settings = table.match('GET', ['api', 'things', 'settings']);
    assert.equal(settings.kind === 'found' && settings.route.path, '/api/things/settings');
    // DELETE exists only on /:id, but /settings is its own route: not a DELETE of a thing called "settings".
    assert.deepEqual(table.match('DELETE', ['api', 'things', 'settings']), { kind: 'wrong_method', allow: ['GET'] });
  });

  test('duplicates, parameters without a schema and routes outside /api stop start-up', () => {
    assert.throws(() => new RouteTable([route('GET', '/api/a/:x', id), route('GET', '/api/a/:y', id)]), /two API routes/);
    assert.throws(() => new RouteTable([route('GET', '/api/a/:x')]), /params schema/);
    assert.throws(() => new RouteTable([route('GET', '/api/a', id)]), /params schema/);
    assert.throws(() => new RouteTable([route('GET', '/metrics')]), /under \/api/);
  });

  test('path segments are percent-decoded; a malformed escape is a bad_request, not a crash', () => {
    assert.deepEqual(pathSegments('/api/cameras/a%20b/'), ['api', 'cameras', 'a b']);
    for (const bad of ['/api/cameras/%', '/api/cameras/%zz', '/api/cameras/%C0%AE', '/api/cameras/%E0%A4%A']) {
      assert.throws(
        () => pathSegments(bad),
        (error: unknown) => error instanceof MaskwatchError && error.code === 'bad_request',
        bad,
      );
    }
  });

  test('an immediate route is answered for its exact path by GET and HEAD only, and must read no input', () => {
    const health = defineRoute({ method: 'GET', path: '/api/health', access: 'public', immediate: true, summary: 'h', handler: () => ({ status: 204 }) });
    const table = new RouteTable([health, route('GET', '/api/things')]);
    assert.equal(table.immediate('GET', '/api/health'), health);
    assert.equal(table.immediate('HEAD', '/api/health'), health);
    assert.equal(table.immediate('POST', '/api/health'), undefined);
    assert.equal(table.immediate('GET', '/api/things'), undefined);
    const admin = defineRoute({ method: 'GET', path: '/api/a', access: 'admin', immediate: true, summary: 'a', handler: () => ({ status: 204 }) });
    assert.throws(() => new RouteTable([admin]), /only public GETs/);
    const withQuery = defineRoute({ method: 'GET', path: '/api/q', access: 'public', immediate: true, query: z.object({}), summary: 'q', handler: () => ({ status: 204 }) });
    assert.throws(() => new RouteTable([withQuery]), /only public GETs/);
  });
});
