import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { findRepoRoot } from '../manifest/findRepoRoot.ts';
import { bigPhotoWithSmallFace } from '../testing/smallFacePhoto.ts';
import { extractFrames, tempDir } from '../testing/videoFrames.ts';
import type { DetectLine } from './analyzeForLine.ts';

const root = findRepoRoot();

/** `npm run -s detect -- ARGS` from the repository root, as the contract says. */
function detect(args: string[]): { status: number | null; stdout: string; stderr: string; lines: DetectLine[] } {
  const r = spawnSync('npm', ['run', '-s', 'detect', '--', ...args], { cwd: root, encoding: 'utf8' });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DetectLine);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

describe('detect command: worker threads print exactly what one image at a time prints (repository models)', () => {
  it('same lines, same order, on real frames, an unreadable file and a missing one', () => {
    const dir = tempDir();
    const broken = join(dir, 'broken photo.jpg');
    writeFileSync(broken, 'not a JPEG at all');
    const images = [
      ...extractFrames('diazoniclabs_mask.mp4', 3, 2),
      broken,
      ...extractFrames('Gituatu_nomask.mp4', 2, 1),
      join(dir, 'missing.png'),
      ...extractFrames('Gituatu_mask.mp4', 3, 2),
      ...extractFrames('916241958_mask.mp4', 2, 1),
    ];
    const list = join(dir, 'list.txt');
    writeFileSync(list, `${images.join('\n')}\n`);

    const sequential = detect(['--json', '--sequential', '--images-from', list]);
    // Every image on the two workers; then the main thread and the workers sharing them as they come.
    const parallel = detect([
      '--json',
      '--workers',
      '2',
      '--workers-only',
      '--concurrency',
      '3',
      '--images-from',
      list,
    ]);
    const mixed = detect(['--json', '--workers', '2', '--images-from', list]);
    assert.equal(sequential.status, 1, sequential.stderr);
    assert.equal(parallel.status, 1, parallel.stderr);
    assert.equal(mixed.status, 1, mixed.stderr);
    assert.match(sequential.stderr, /, this thread,/);
    assert.match(parallel.stderr, /\(cpu\), 2 worker\(s\), load/);
    assert.ok(parallel.stderr.includes(`, ${images.length} on worker threads\n`), parallel.stderr);
    assert.match(mixed.stderr, /this thread \+ 2 worker\(s\)/);
    assert.equal(mixed.stdout, sequential.stdout);
    assert.deepEqual(
      parallel.lines.map((l) => l.image),
      images,
    );
    assert.equal(parallel.stdout, sequential.stdout);
    assert.ok(parallel.lines[0]!.faces.length >= 4, 'the four people of diazoniclabs');
    assert.match(parallel.lines[3]!.error ?? '', /broken photo\.jpg/);
    assert.match(parallel.lines[6]!.error ?? '', /missing\.png/);
    assert.equal(parallel.lines.filter((l) => l.error !== undefined).length, 2);
  });
});

describe('detect command: a small face in a large photo', () => {
  it("is found by the tile pass and reported in the photo's own pixels; without tiles it is missed", async () => {
    const photo = await bigPhotoWithSmallFace(tempDir(), { width: 4000, height: 3000, faceSide: 26, at: [2870, 1930] });
    const found = detect(['--json', photo.path]);
    assert.equal(found.status, 0, found.stderr);
    const faces = found.lines[0]!.faces;
    assert.equal(faces.length, 1, JSON.stringify(faces));
    const [x1, y1, x2, y2] = faces[0]!.box;
    const [fx1, fy1, fx2, fy2] = photo.faceBox;
    assert.ok(
      Math.abs(x1 - fx1) < 8 && Math.abs(y1 - fy1) < 8 && Math.abs(x2 - fx2) < 8 && Math.abs(y2 - fy2) < 8,
      `box ${faces[0]!.box.join(', ')} vs the pasted face ${photo.faceBox.map((v) => v.toFixed(1)).join(', ')}`,
    );
    const missed = detect(['--json', '--min-face', '0', photo.path]);
    assert.equal(missed.status, 0, missed.stderr);
    assert.deepEqual(missed.lines[0]!.faces, []);
  });
});
