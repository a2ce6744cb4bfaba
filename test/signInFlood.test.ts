/**
 * A sign-in flood from one address must not lock anyone else out: 60 wrong sign-ins a second from 127.0.0.2 (half
 * of them on the operator's own account) while the operator signs in from 127.0.0.3, against a real server
 * (listening on 127.0.0.1; each client binds its own loopback address).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ensureOperator, TEST_OPERATOR } from './support/auth.ts';
import { startTestServer, type TestServer } from './support/server.ts';

type Answer = { status: number; ms: number };

/** POST /api/session from `localAddress`; a reset or socket error is status 0 (the flood must never cause one). */
function signIn(url: string, localAddress: string, username: string, password: string): Promise<Answer> {
  const target = new URL(url);
  const body = JSON.stringify({ username, password });
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: '/api/session',
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.once('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

describe('sign-in under a flood of wrong passwords from another address', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await ensureOperator(server);
  });
  after(async () => {
    await server?.close();
  });

  test(
    'the operator signs in within 2 s every time; the flood is refused cheaply, never reset',
    { timeout: 60_000 },
    async () => {
      const verifiedBefore = failedChecks(server);
      const flood: Promise<Answer>[] = [];
      let n = 0;
      const timer = setInterval(() => {
        n++;
        // Half on the operator's own account (the lock-out attempt), half spraying other names.
        const username = n % 2 ? TEST_OPERATOR.username : `guess${n}`;
        flood.push(signIn(server.url, '127.0.0.2', username, `wrong password ${n}`));
      }, 1000 / 60);
      const operator: Answer[] = [];
      try {
        await new Promise((r) => setTimeout(r, 1500));
        for (let i = 0; i < 6; i++) {
          operator.push(await signIn(server.url, '127.0.0.3', TEST_OPERATOR.username, TEST_OPERATOR.password));
          await new Promise((r) => setTimeout(r, 1000));
        }
      } finally {
        clearInterval(timer);
      }
      const answers = await Promise.all(flood);
      const statuses = new Map<number, number>();
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const verified = failedChecks(server) - verifiedBefore;
      console.error(
        `flood: ${answers.length} wrong sign-ins in ${((answers.length * 1000) / 60 / 1000).toFixed(1)} s, answers ${JSON.stringify([...statuses])}, ` +
          `${verified} reached the password check; operator: ${operator.map((a) => `${a.status} in ${Math.round(a.ms)} ms`).join(', ')}`,
      );
      for (const answer of operator) {
        assert.equal(answer.status, 200, `the operator was refused: ${JSON.stringify(operator)}`);
        assert.ok(answer.ms < 2000, `the operator waited ${Math.round(answer.ms)} ms`);
      }
      assert.ok(answers.length >= 400, `only ${answers.length} flood requests were sent`);
      assert.deepEqual(
        [...statuses.keys()].filter((status) => status !== 401 && status !== 429),
        [],
        'every flood request is answered 401 or 429',
      );
      assert.ok((statuses.get(429) ?? 0) > answers.length / 2, 'most of the flood is refused before any check');
      assert.ok(verified < answers.length / 4, `${verified} of ${answers.length} flood requests were hashed`);
    },
  );
});

/** Sign-ins whose password was checked and found wrong (each is audited; throttled ones are not). */
function failedChecks(server: TestServer): number {
  const row = server.internals.db.handle
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'session.login_failed'")
    .get();
  return row?.n ?? 0;
}
