/**
 * Crash consistency of alerts: a process storing alerts (snapshot files, then row, as the server does) is killed
 * with -9 at random moments, again and again. After each kill no row names a missing file; after the start-up
 * clean-up (AlertRetention, which the server runs before anything else) no temp file and no file without a row is
 * left either. The last kill is cleaned up by a real server starting on the data folder.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertRepository } from '@maskwatch/db/AlertRepository';
import { ComplianceRepository } from '@maskwatch/db/ComplianceRepository';
import { Database } from '@maskwatch/db/Database';
import { AlertRetention } from '@maskwatch/server/alerts/AlertRetention';
import { SnapshotStore } from '@maskwatch/server/alerts/SnapshotStore';
import { startTestServer } from './support/server.ts';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'support', 'alertWriter.child.ts');
const KILLS = 15;

/** Every file under `dir`, relative to it, with `/` separators. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return found;
}

/** Starts the writer, lets it write for `ms` after it is ready, kills it with -9; resolves once it is gone. */
function writeThenKill(dataDir: string, ms: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
    env: { ...process.env, MASKWATCH_TEST_DATA_DIR: dataDir, MASKWATCH_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited (${code})`)),
    );
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), ms));
  });
}

describe('alerts across kill -9 in the middle of their writes', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-killloop-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(
    `${KILLS} kills: no row names a missing file; the start-up clean-up leaves only files with rows`,
    { timeout: 180_000 },
    async () => {
      let rows = 0;
      let temps = 0;
      let orphans = 0;
      for (let i = 0; i < KILLS; i++) {
        await writeThenKill(dir, 20 + Math.floor(Math.random() * 300));
        const db = new Database({ path: join(dir, 'maskwatch.db') });
        try {
          const repo = new AlertRepository(db);
          const store = new SnapshotStore(join(dir, 'alerts'));
          const named = repo.allFiles();
          const present = new Set(filesUnder(store.dir));
          const missing = [...named].filter((file) => !present.has(file));
          assert.deepEqual(missing, [], `after kill ${i + 1}, rows name missing files`);
          temps += [...present].filter((file) => file.endsWith('.tmp')).length;
          orphans += [...present].filter((file) => !file.endsWith('.tmp') && !named.has(file)).length;
          // What the server does at start, before anything else.
          await new AlertRetention(repo, new ComplianceRepository(db), store, {
            days: 3650,
            maxBytes: 1e12,
            complianceDays: 3650,
          }).run();
          const left = filesUnder(store.dir);
          assert.deepEqual(
            left.filter((file) => !named.has(file)),
            [],
            `after the clean-up of kill ${i + 1}, files without a row remain`,
          );
          assert.equal(left.length, named.size, 'every file named by a row is still there');
          assert.ok(named.size >= rows, `kill ${i + 1}: stored alerts were lost`);
          rows = named.size;
        } finally {
          db.close();
        }
      }
      assert.ok(rows / 2 >= KILLS, `only ${rows / 2} alerts stored in ${KILLS} runs: the writer hardly wrote`);
      // Once more, and this time the server's own start cleans up: what the kill left, plus a temp file and a file
      // without a row planted so that there is surely something to clean.
      await writeThenKill(dir, 20 + Math.floor(Math.random() * 300));
      const day = new Date().toISOString().slice(0, 10);
      mkdirSync(join(dir, 'alerts', day), { recursive: true });
      writeFileSync(join(dir, 'alerts', day, 'al_00000000000000fe.jpg.tmp'), 'half written');
      writeFileSync(join(dir, 'alerts', day, 'al_00000000000000ff.jpg'), 'renamed, row never inserted');
      const server = await startTestServer({ dataDir: dir });
      try {
        const named = new AlertRepository(server.internals.db).allFiles();
        const left = filesUnder(join(dir, 'alerts'));
        assert.deepEqual(
          left.filter((file) => !named.has(file)),
          [],
          'the server started with temp files or files without a row left',
        );
        assert.equal(left.length, named.size, 'a row names a missing file after the server started');
        assert.ok(named.size >= rows, 'the server lost stored alerts');
      } finally {
        await server.close();
      }
      // Not a pass condition (the kills are random), but it shows the kills landed inside writes.
      console.error(
        `${KILLS} kills: ${rows / 2} alerts stored; the kills left ${temps} temp files and ${orphans} files without a row, all cleaned`,
      );
    },
  );
});
