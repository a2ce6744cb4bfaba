// A process that stores alerts without end, the way the server does (persistAlert: synced snapshot files, then the
// row), for the crash-consistency test to kill at random moments. Prints "ready" once it writes.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AlertRepository } from '@maskwatch/db/AlertRepository';
import { Database } from '@maskwatch/db/Database';
import { persistAlert } from '@maskwatch/server/alerts/persistAlert';
import { SnapshotStore } from '@maskwatch/server/alerts/SnapshotStore';

const dataDir = process.env.MASKWATCH_TEST_DATA_DIR;
if (!dataDir) throw new Error('MASKWATCH_TEST_DATA_DIR is not set');
const db = new Database({ path: join(dataDir, 'maskwatch.db') });
const repo = new AlertRepository(db);
const store = new SnapshotStore(join(dataDir, 'alerts'));
process.stdout.write('ready\n');
for (let n = 0; ; n++) {
  const raisedAt = Date.now();
  await persistAlert(
    store,
    repo,
    {
      id: `al_${randomBytes(8).toString('hex')}`,
      cameraId: 'cam_killed',
      cameraName: 'Killed',
      trackId: n,
      label: 'no_mask',
      confidence: 0.9,
      firstSeenAt: raisedAt - 1000,
      raisedAt,
      model: { name: 'test', sha256: 'a'.repeat(64) },
      nodeId: null,
      latencyMs: 10,
      box: [10, 10, 50, 60],
      frame: { width: 640, height: 360 },
      frameSeq: n,
      frameTs: raisedAt - 100,
    },
    // Snapshot-sized files: the kill lands in their writes as often as between them.
    { jpeg: randomBytes(40_000 + (n % 7) * 5000), thumbnail: randomBytes(4000), width: 640, height: 360 },
    (error) => {
      throw error;
    },
  );
}
