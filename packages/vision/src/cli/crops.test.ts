import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

import sharp from 'sharp';

import type { CropRecord } from '../crops/CropRecord.ts';
import { FaceDetector } from '../detect/FaceDetector.ts';
import { cropFace } from '../image/cropFace.ts';
import { decodeImage } from '../image/decodeImage.ts';
import { findRepoRoot } from '../manifest/findRepoRoot.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';
import { extractFrames, tempDir } from '../testing/videoFrames.ts';

const root = findRepoRoot();

describe('crops command', () => {
  it('writes one crop per listed image and an index in list order, the crop being cropFace of the best face', async () => {
    const dir = tempDir();
    const [masked] = extractFrames('Gituatu_mask.mp4', 1);
    const [unmasked] = extractFrames('Gituatu_nomask.mp4', 1);
    const spaced = join(dir, 'frame with spaces.png');
    copyFileSync(masked!, spaced);
    const blank = join(dir, 'blank.png');
    writeFileSync(
      blank,
      await sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } })
        .png()
        .toBuffer(),
    );
    const missing = join(dir, 'missing file.jpg');
    const list = join(dir, 'list.txt');
    writeFileSync(list, [spaced, unmasked!, '', blank, missing].join('\r\n') + '\n');
    const out = join(dir, 'out dir');

    // Relative paths are the caller's (npm runs the script inside packages/vision).
    const result = spawnSync(
      'npm',
      [
        'run',
        '-s',
        '-w',
        '@maskwatch/vision',
        'crops',
        '--',
        '--out',
        relative(root, out),
        '--size',
        '128',
        '--list',
        relative(root, list),
      ],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    assert.equal(result.stdout, '', 'nothing on stdout');
    assert.equal(result.status, 1, `exit 1 because one image is unreadable; stderr: ${result.stderr}`);
    assert.match(result.stderr, /missing file\.jpg/);

    const records = readFileSync(join(out, 'index.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as CropRecord);
    assert.deepEqual(
      records.map((r) => [r.image, r.detected]),
      [
        [spaced, true],
        [unmasked, true],
        [blank, false],
        [missing, false],
      ],
    );
    assert.equal(records[3]!.crop, null);
    assert.match(records[3]!.error ?? '', /missing file/);
    assert.deepEqual(records[2]!.box, [50, 0, 150, 100]);
    assert.equal(records[2]!.score, 0);

    for (const [i, record] of records.slice(0, 3).entries()) {
      assert.equal(record.crop, join(out, `${i}.png`));
      const crop = await decodeImage(record.crop!);
      assert.deepEqual([crop.width, crop.height], [128, 128]);
    }

    // The crop on disk is exactly what inference computes for the same image.
    const detector = await FaceDetector.create(ModelManifest.load().detector(), { scoreThreshold: 0.3 });
    try {
      const frame = await decodeImage(spaced);
      const [best] = await detector.detect(frame);
      const expected = cropFace(frame, best!.box, 128);
      assert.deepEqual((await decodeImage(records[0]!.crop!)).data, expected.data);
      assert.ok(records[0]!.score! > 0.8);
    } finally {
      detector.close();
    }
  });

  it('--all-faces also crops every face found (scene evaluation), each the cropFace of its own box', async () => {
    const dir = tempDir();
    const [crowd] = extractFrames('diazoniclabs_mask.mp4', 1);
    const list = join(dir, 'list.txt');
    writeFileSync(list, `${crowd!}\n`);
    const out = join(dir, 'out');
    const args = ['run', '-s', '-w', '@maskwatch/vision', 'crops', '--', '--out', out, '--list', list];
    const result = spawnSync('npm', [...args, '--all-faces', '--threshold', '0.6'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const [record] = readFileSync(join(out, 'index.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as CropRecord);
    const all = record!.allFaces ?? [];
    assert.ok(all.length >= 2 && all.length === record!.faces, `${all.length} faces`);
    assert.deepEqual(all[0]!.box, record!.box, 'best face first');
    const frame = await decodeImage(crowd!);
    for (const [k, face] of all.entries()) {
      assert.equal(face.crop, join(out, `0_${k}.png`));
      const crop = await decodeImage(face.crop!);
      // boxes are stored to 0.1 px: the crop of the stored box differs from the file by rounding only
      const expected = cropFace(frame, face.box, 128);
      let diff = 0;
      for (let i = 0; i < crop.data.length; i++) diff += Math.abs(crop.data[i]! - expected.data[i]!);
      assert.ok(diff / crop.data.length < 2, `face ${k}: mean difference ${diff / crop.data.length}`);
    }
    // without the flag there is no allFaces field
    const plain = spawnSync('npm', [...args, '--threshold', '0.6'], { cwd: root, encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal((JSON.parse(readFileSync(join(out, 'index.jsonl'), 'utf8').trim()) as CropRecord).allFaces, undefined);
    // --boxes-only: the same boxes and scores, no PNG
    const boxesDir = join(dir, 'boxes');
    const boxes = spawnSync(
      'npm',
      [...args.slice(0, -4), '--out', boxesDir, '--list', list, '--all-faces', '--boxes-only', '--threshold', '0.6'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(boxes.status, 0, boxes.stderr);
    const onlyBoxes = JSON.parse(readFileSync(join(boxesDir, 'index.jsonl'), 'utf8').trim()) as CropRecord;
    assert.equal(onlyBoxes.crop, null);
    assert.equal(onlyBoxes.error, undefined);
    assert.deepEqual(
      onlyBoxes.allFaces,
      all.map((f) => ({ ...f, crop: null })),
    );
    assert.deepEqual(readdirSync(boxesDir).sort(), ['index.jsonl']);
  });

  it('fails with exit 2 and a usage line without --out', () => {
    const result = spawnSync('npm', ['run', '-s', '-w', '@maskwatch/vision', 'crops', '--', '--list', 'x'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--out and --list are required/);
    assert.equal(existsSync(join(root, 'packages', 'vision', 'x')), false);
  });
});
