import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { FaceSchema, MASK_LABELS } from '@maskwatch/protocol/faces';
import { z } from 'zod';

import { findRepoRoot } from '../manifest/findRepoRoot.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';
import { meanRgbManifest } from '../testing/meanRgbModel.ts';
import { extractFrames, tempDir } from '../testing/videoFrames.ts';

const root = findRepoRoot();
// The exact line contract: these keys and no others.
const LineSchema = z
  .object({
    image: z.string(),
    faces: z.array(FaceSchema.pick({ box: true, label: true, score: true }).strict()),
    error: z.string().optional(),
  })
  .strict();
type Line = z.infer<typeof LineSchema>;

/** `npm run -s detect -- ARGS` from the repository root, as the contract says. */
function detect(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; lines: Line[]; stdout: string; stderr: string } {
  const result = spawnSync('npm', ['run', '-s', 'detect', '--', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const lines = result.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => LineSchema.parse(JSON.parse(l)));
  return { status: result.status, lines, stdout: result.stdout, stderr: result.stderr };
}

describe('detect command: output contract (tiny real classifier, mean-rgb)', () => {
  const manifestEnv = { MASKWATCH_MODELS_MANIFEST: meanRgbManifest().path };

  it('prints one JSON line per image, in order, and nothing else; a bad path gets an error line', () => {
    const dir = tempDir();
    const [a] = extractFrames('Gituatu_mask.mp4', 1);
    const [b] = extractFrames('diazoniclabs_mask.mp4', 1);
    const list = join(dir, 'images list.txt');
    writeFileSync(list, `${b}\n${join(dir, 'no such image.png')}\n`);
    const out = detect(['--json', a!, '--images-from', list], manifestEnv);
    assert.equal(out.status, 1, out.stderr);
    assert.deepEqual(
      out.lines.map((l) => l.image),
      [a, b, join(dir, 'no such image.png')],
    );
    assert.equal(out.lines[0]!.faces.length, 1);
    assert.ok(out.lines[1]!.faces.length >= 4);
    const [x1, y1, x2, y2] = out.lines[0]!.faces[0]!.box;
    assert.ok(x1 > 280 && y1 > 30 && x2 < 440 && y2 < 220, 'box in original pixels');
    assert.deepEqual(out.lines[2]!.faces, []);
    assert.match(out.lines[2]!.error ?? '', /no such image\.png/);
    assert.match(out.stderr, /detect: error: .*no such image\.png/);
    assert.equal(out.stdout.split('\n').length, 4, 'three lines and the final newline');
  });

  it('picks the classifier with --model and fails cleanly on an unknown one', () => {
    const [a] = extractFrames('Gituatu_mask.mp4', 1);
    const ok = detect(['--json', '--model', 'mean-rgb', a!], manifestEnv);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.lines.length, 1);
    const bad = detect(['--json', '--model', 'nope', a!], manifestEnv);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /model "nope" is not in/);
  });
});

describe("detect command: labels by the manifest's operating point (T, τ, r), as the live vote", () => {
  it('the same faces change label and score with the operating point the manifest declares', () => {
    const [frame] = extractFrames('diazoniclabs_mask.mp4', 1);
    const run = (operatingPoint?: Record<string, unknown>) => {
      const path = meanRgbManifest(operatingPoint !== undefined ? { operatingPoint } : {}).path;
      const out = detect(['--json', frame!], { MASKWATCH_MODELS_MANIFEST: path });
      assert.equal(out.status, 0, out.stderr);
      return out.lines[0]!.faces;
    };
    const plain = run();
    assert.ok(plain.length >= 4);
    // τ = 1: no face reaches it, so none is `mask`; r huge: never `incorrect`; T huge: p near 1/3 for every class.
    const noMask = run({ temperature: 1000, maskThreshold: 1, incorrectRatio: 1e6 });
    assert.deepEqual(
      noMask.map((f) => f.box),
      plain.map((f) => f.box),
    );
    for (const face of noMask) {
      assert.equal(face.label, 'no_mask');
      assert.ok(Math.abs(face.score - 1 / 3) < 0.01, `score ${face.score} is p(no_mask) at T = 1000`);
    }
    // r tiny: every face that is not `mask` is `incorrect`.
    assert.ok(run({ maskThreshold: 1, incorrectRatio: 1e-6 }).every((f) => f.label === 'incorrect'));
  });
});

describe('detect command on the shared clips (repository models)', () => {
  const manifest = ModelManifest.load();
  if (!manifest.hasClassifier()) {
    it('says clearly that there is no classifier yet, with nothing on stdout', () => {
      const [a] = extractFrames('Gituatu_mask.mp4', 1);
      const out = detect(['--json', a!]);
      assert.equal(out.status, 2);
      assert.equal(out.stdout, '');
      assert.match(out.stderr, /declares no classifier/);
    });
    return;
  }
  // A trained model may miss a frame; 4 of 5 frames must carry the clip's label.
  const expectLabel = (video: string, label: (typeof MASK_LABELS)[number]): void => {
    it(`${video}: one face per frame, labelled ${label}`, () => {
      const frames = extractFrames(video, 5, 1);
      const out = detect(['--json', ...frames]);
      assert.equal(out.status, 0, out.stderr);
      assert.equal(out.lines.length, 5);
      for (const line of out.lines) assert.equal(line.faces.length, 1, `${line.image}: ${JSON.stringify(line.faces)}`);
      const hits = out.lines.filter((l) => l.faces[0]!.label === label).length;
      assert.ok(
        hits >= 4,
        `${hits}/5 frames labelled ${label}: ${out.lines.map((l) => `${l.faces[0]!.label} ${l.faces[0]!.score}`).join(', ')}`,
      );
    });
  };
  expectLabel('Gituatu_nomask.mp4', 'no_mask');
  expectLabel('Gituatu_mask.mp4', 'mask');
});
