/**
 * Scenes of small faces for the live quality check: real annotated faces from the project's data set
 * (`<shared>/datasets/real-scenes/ilc2021`, each face with some of its own photo around it) scaled so that their
 * boxes are 20-60 px, laid out on a grid over a plain textured background at 1280x720 or 1920x1080. The scene is
 * written as PNG (what `detect` reads) and as a short y4m (what Chromium's fake camera plays on the camera page), with
 * the faces' boxes and labels: the ground truth both are scored against.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Box, FrameResult, MaskLabel } from '@maskwatch/protocol/faces';
import sharp from 'sharp';
import { artifactsDir, sharedDir } from './browser.ts';

export type SceneFace = { box: Box; label: MaskLabel };

/** The detector score from which a face counts, live and in `detect` (its default threshold). */
export const SHOWN = 0.6;
export type Scene = { name: string; width: number; height: number; png: string; y4m: string; faces: SceneFace[] };

const DATASET = join(sharedDir, 'datasets', 'real-scenes', 'ilc2021');
const LABELS: Record<string, MaskLabel> = { with_mask: 'mask', without_mask: 'no_mask', mask_weared_incorrect: 'incorrect' };

type Row = { image: string; label: MaskLabel; box: Box };

function rows(): Row[] {
  const [header, ...lines] = readFileSync(join(DATASET, 'faces.csv'), 'utf8').trim().split('\n');
  const cols = header!.split(',');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split(',');
    return {
      image: f[at('image')]!,
      label: LABELS[f[at('class')]!]!,
      box: [Number(f[at('xmin')]), Number(f[at('ymin')]), Number(f[at('xmax')]), Number(f[at('ymax')])] as Box,
    };
  });
}

/** A small deterministic generator (mulberry32): the same seed gives the same scene. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The scene `name` (cached under test/.artifacts): `cols` x `rows` cells, one face per cell at a random place in
 * it, its box side drawn from 20-60 px; faces taken from photos where they are at least 48 px (so they are scaled
 * down, as a far face is), labels in the data set's proportions but with every class present.
 */
export async function smallFaceScene(
  name: string,
  { width, height, cols, rows: gridRows, seed, fps = 10, seconds = 1 }: { width: number; height: number; cols: number; rows: number; seed: number; fps?: number; seconds?: number },
): Promise<Scene> {
  const cached = cachedScene(name, width, height, fps);
  if (cached.scene) return cached.scene;
  const next = random(seed);
  const candidates = rows().filter((r) => Math.max(r.box[2] - r.box[0], r.box[3] - r.box[1]) >= 48);
  const byLabel = (label: MaskLabel) => candidates.filter((r) => r.label === label);
  const pools = { mask: byLabel('mask'), no_mask: byLabel('no_mask'), incorrect: byLabel('incorrect') };
  const cellW = Math.floor(width / cols);
  const cellH = Math.floor(height / gridRows);
  const layers: sharp.OverlayOptions[] = [];
  const faces: SceneFace[] = [];
  for (let cell = 0; cell < cols * gridRows; cell++) {
    // Every fourth face incorrect, the others mask / no mask in turn: each class is scored.
    const label: MaskLabel = cell % 4 === 3 ? 'incorrect' : cell % 2 === 0 ? 'mask' : 'no_mask';
    const pool = pools[label];
    const row = pool[Math.floor(next() * pool.length)]!;
    const side = 20 + Math.round(next() * 40);
    const [x1, y1, x2, y2] = row.box;
    const faceSide = Math.max(x2 - x1, y2 - y1);
    const scale = side / faceSide;
    // The face with half its size of its own photo around it (context, as a far person has).
    const pad = Math.round(faceSide * 0.5);
    const meta = await sharp(join(DATASET, 'images', row.image)).metadata();
    const left = Math.max(0, x1 - pad);
    const top = Math.max(0, y1 - pad);
    const cropW = Math.min(meta.width!, x2 + pad) - left;
    const cropH = Math.min(meta.height!, y2 + pad) - top;
    const outW = Math.max(1, Math.round(cropW * scale));
    const outH = Math.max(1, Math.round(cropH * scale));
    if (outW > cellW || outH > cellH) continue;
    const input = await sharp(join(DATASET, 'images', row.image))
      .extract({ left, top, width: cropW, height: cropH })
      .resize(outW, outH, { fit: 'fill', kernel: 'lanczos3' })
      .toBuffer();
    const cx = (cell % cols) * cellW + Math.floor(next() * (cellW - outW));
    const cy = Math.floor(cell / cols) * cellH + Math.floor(next() * (cellH - outH));
    layers.push({ input, left: cx, top: cy });
    faces.push({
      label,
      box: [cx + (x1 - left) * scale, cy + (y1 - top) * scale, cx + (x2 - left) * scale, cy + (y2 - top) * scale],
    });
  }
  // A plain, slightly textured background (no faces of its own to confuse the score).
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i < noise.length; i += 3) {
    const v = 96 + Math.floor(next() * 24) + Math.floor((i / 3 / width / height) * 40);
    noise[i] = v;
    noise[i + 1] = v + 4;
    noise[i + 2] = v + 10;
  }
  return writeScene(cached, sharp(noise, { raw: { width, height, channels: 3 } }).composite(layers), faces, fps, seconds);
}

type SceneFiles = { name: string; width: number; height: number; png: string; y4m: string; truth: string; scene?: Scene };

/** Where the scene `name` is cached (test/.artifacts/scenes), and the scene itself when it is. */
function cachedScene(name: string, width: number, height: number, fps: number): SceneFiles {
  const dir = join(artifactsDir, 'scenes');
  mkdirSync(dir, { recursive: true });
  const files = { name, width, height, png: join(dir, `${name}.png`), y4m: join(dir, `${name}-${fps}fps.y4m`), truth: join(dir, `${name}.json`) };
  if (!existsSync(files.png) || !existsSync(files.y4m) || !existsSync(files.truth)) return files;
  const { png, y4m } = files;
  return { ...files, scene: { name, width, height, png, y4m, faces: JSON.parse(readFileSync(files.truth, 'utf8')) as SceneFace[] } };
}

/** Writes the picture as PNG (for `detect`) and as a still y4m of `seconds` (for the fake camera), and the truth. */
async function writeScene(files: SceneFiles, picture: sharp.Sharp, faces: SceneFace[], fps: number, seconds: number): Promise<Scene> {
  const { name, width, height, png, y4m, truth } = files;
  const tmp = `${png}.partial.png`;
  await picture.png().toFile(tmp);
  renameSync(tmp, png);
  const y4mTmp = `${y4m}.partial.y4m`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-framerate', String(fps), '-i', png, '-frames:v', String(fps * seconds), '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', y4mTmp]);
  renameSync(y4mTmp, y4m);
  writeFileSync(truth, JSON.stringify(faces));
  return { name, width, height, png, y4m, faces };
}

/** Real photos of the real-scene split's test part (models/splits/ilc2021.tsv) with the most annotated faces. */
export function realTestPhotos(count: number): string[] {
  const split = readFileSync(join(import.meta.dirname, '..', '..', 'models', 'splits', 'ilc2021.tsv'), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('#') && line.includes('\ttest\t'))
    .map((line) => `${line.split('\t')[0]}.jpg`);
  const perImage = new Map<string, number>();
  for (const row of rows()) perImage.set(row.image, (perImage.get(row.image) ?? 0) + 1);
  return split.sort((a, b) => (perImage.get(b) ?? 0) - (perImage.get(a) ?? 0) || a.localeCompare(b)).slice(0, count);
}

/**
 * A whole real photo of the data set as a camera would see it: at its own size (scaled down only if larger) in the
 * middle of a `width` x `height` grey frame; its annotated faces of `minSide` px and more are the truth (the
 * smaller ones are below what live and `detect` look for).
 */
export async function realPhotoScene(image: string, { width, height, minSide = 20, fps = 10, seconds = 1 }: { width: number; height: number; minSide?: number; fps?: number; seconds?: number }): Promise<Scene> {
  const cached = cachedScene(`real-${image.replace(/\.\w+$/, '')}-${width}x${height}`, width, height, fps);
  if (cached.scene) return cached.scene;
  const path = join(DATASET, 'images', image);
  const meta = await sharp(path).metadata();
  const scale = Math.min(1, width / meta.width!, height / meta.height!);
  const w = Math.round(meta.width! * scale);
  const h = Math.round(meta.height! * scale);
  const left = Math.floor((width - w) / 2);
  const top = Math.floor((height - h) / 2);
  const faces = rows()
    .filter((row) => row.image === image)
    .map(({ label, box }) => ({ label, box: [left + box[0] * scale, top + box[1] * scale, left + box[2] * scale, top + box[3] * scale] as Box }))
    .filter(({ box }) => Math.max(box[2] - box[0], box[3] - box[1]) >= minSide);
  const photo = await sharp(path).resize(w, h).toBuffer();
  const picture = sharp({ create: { width, height, channels: 3, background: { r: 110, g: 114, b: 120 } } }).composite([{ input: photo, left, top }]);
  return writeScene(cached, picture, faces, fps, seconds);
}

/** Detection recall and label accuracy of `found` faces against a scene's faces (boxes in the scene's pixels). */
export type SceneScore = {
  recall: number;
  accuracy: number;
  matched: number;
  /** Per scene face: whether its match has the right label; null when nothing matched it. */
  correct: (boolean | null)[];
};

export function score(truth: readonly SceneFace[], found: readonly { box: Box; label: MaskLabel }[]): SceneScore {
  const used = new Set<number>();
  const correct = truth.map((face): boolean | null => {
    let best = -1;
    let bestScore = 0;
    found.forEach((f, i) => {
      if (used.has(i)) return;
      const s = overlap(face.box, f.box);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    });
    if (best < 0) return null;
    used.add(best);
    return found[best]!.label === face.label;
  });
  const matched = correct.filter((right) => right !== null).length;
  const right = correct.filter((r) => r === true).length;
  return { recall: truth.length ? matched / truth.length : 0, accuracy: matched ? right / matched : 0, matched, correct };
}

/**
 * Label accuracy of live and of `detect` on the same faces: per live frame, the scene faces both found; summed over
 * the frames. Comparing each one's accuracy on the faces it found alone is biased against whichever finds more:
 * the extra faces are the small, hard ones.
 */
export function pairedAccuracy(offline: SceneScore, live: LiveScore): { live: number; offline: number; pairs: number } {
  let pairs = 0;
  let liveOk = 0;
  let offlineOk = 0;
  for (const frame of live.perFrame) {
    frame.forEach((right, i) => {
      const reference = offline.correct[i] ?? null;
      if (right === null || reference === null) return;
      pairs++;
      if (right) liveOk++;
      if (reference) offlineOk++;
    });
  }
  return { live: pairs ? liveOk / pairs : 0, offline: pairs ? offlineOk / pairs : 0, pairs };
}

/** How well a detection fits an annotated face: its IoU, or 0 unless its centre lies in the face box and sizes agree within 2x. */
function overlap(truth: Box, found: Box): number {
  const iw = Math.min(truth[2], found[2]) - Math.max(truth[0], found[0]);
  const ih = Math.min(truth[3], found[3]) - Math.max(truth[1], found[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
  const iou = inter / (area(truth) + area(found) - inter);
  if (iou >= 0.25) return iou;
  const cx = (found[0] + found[2]) / 2;
  const cy = (found[1] + found[3]) / 2;
  const inside = cx >= truth[0] && cx <= truth[2] && cy >= truth[1] && cy <= truth[3];
  const ratio = Math.sqrt(area(found) / area(truth));
  return inside && ratio > 0.5 && ratio < 2 ? iou + 0.01 : 0;
}

export type LiveScore = {
  /** Per frame, averaged: the faces the node reports (as the console draws them: detections of at least the
   * detector's high score, and weaker ones that continue a track, i.e. a face detected surely before). */
  recall: number;
  accuracy: number;
  /** The same counting only detections of at least SHOWN (detect's own threshold): the strictest reading. */
  strictRecall: number;
  /** Per frame, per scene face: whether the node's label for it was right (null: not found in that frame). */
  perFrame: (boolean | null)[][];
  frames: number;
  width: number;
  height: number;
};

/** Scores a camera's results, each frame against the scene (boxes scaled to the scene's size), averaged. */
export function scoreLive(scene: Scene, results: readonly FrameResult[]): LiveScore {
  const per = (minScore: number) =>
    results.map((result) => {
      const sx = scene.width / result.width;
      const sy = scene.height / result.height;
      const faces = result.faces
        .filter((face) => (face.detScore ?? 1) >= minScore)
        .map((face) => ({ label: face.label, box: [face.box[0] * sx, face.box[1] * sy, face.box[2] * sx, face.box[3] * sy] as Box }));
      return score(scene.faces, faces);
    });
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const reported = per(0);
  const last = results.at(-1);
  return {
    recall: mean(reported.map((p) => p.recall)),
    accuracy: mean(reported.map((p) => p.accuracy)),
    strictRecall: mean(per(SHOWN).map((p) => p.recall)),
    perFrame: reported.map((p) => p.correct),
    frames: reported.length,
    width: last?.width ?? 0,
    height: last?.height ?? 0,
  };
}
