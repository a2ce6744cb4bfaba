"""Real-scene face crops as live analysis makes them, matched to the annotated faces.

    python -m maskwatch_models.realcrops [--size 128]     # make (or reuse) the crops, print the match figures

The TypeScript crops command (packages/vision: YuNet and `cropFace`, the code live analysis and `detect` run) goes
over every photo of ../shared/datasets/real-scenes/ilc2021 with `detect`'s detector settings (input side 960, the
tile pass for 24 px faces) at score threshold RECORD_THRESHOLD, so that weaker detections are kept with their
score, and crops every face it finds. Each annotated face is then matched to a detection (greedy by detection
score, each to the free annotated box it overlaps most, IoU >= MATCH_IOU). An annotated face without a detection
is a detector miss: it stays in the records (recall per size band), has no crop, and the classifier never sees it,
as live analysis would not. A detection without an annotated face is kept apart: it may be a false detection or
a real background face the annotators left unboxed (the data set README warns of both), so precision is read with
care. Cached under models/.cache/real/ (keyed by the settings and the photo list); the crops never leave it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import realsplit as R
from .paths import CACHE, LABELS, REPO_ROOT

RECORD_THRESHOLD = 0.3  # detections kept (with their score) down to this; live analysis continues tracks from 0.3
DETECT_THRESHOLD = 0.6  # `detect`'s and a new live track's threshold: what counts as found at the defaults
MAX_SIDE = 960  # `detect` --max-side and FaceDetector's maxInputSide default
MIN_FACE = 24  # `detect` --min-face: the tile pass for small faces in large photos
MATCH_IOU = 0.3  # annotated boxes follow no one convention (tight on the mask, or the whole head): see README
MIN_SIZE = 24  # the targets are on faces of 24 px and up
BANDS = ((20, 32, "20-32"), (32, 48, "32-48"), (48, 80, "48-80"), (80, float("inf"), "80+"))
REAL_CACHE = CACHE / "real"


@dataclass
class RealFace:
    """One annotated face of a real photo, with the detection matched to it (if any)."""

    stem: str
    part: str
    group: int
    index: int  # its row among the photo's annotations
    label: int
    box: tuple[float, float, float, float]
    size: float  # annotated box's longer side, photo pixels
    det_box: list[float] | None = None
    det_score: float = 0.0
    crop: str | None = None
    iou: float = 0.0

    def detected(self, threshold: float = DETECT_THRESHOLD) -> bool:
        return self.det_box is not None and self.det_score >= threshold


def band(size: float) -> str | None:
    for lo, hi, name in BANDS:
        if lo <= size < hi:
            return name
    return None


def iou(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match(gt: list, det: list[tuple[list[float], float]], min_iou: float = MATCH_IOU) -> list[tuple[int, float] | None]:
    """For each annotated box, (index of the detection matched to it, IoU) or None: detections by score, best
    first, each to the free annotated box it overlaps most when that IoU is at least min_iou."""
    out: list[tuple[int, float] | None] = [None] * len(gt)
    for j in sorted(range(len(det)), key=lambda j: -det[j][1]):
        best, best_iou = None, min_iou
        for i, g in enumerate(gt):
            if out[i] is None:
                v = iou(g, det[j][0])
                if v >= best_iou:
                    best, best_iou = i, v
        if best is not None:
            out[best] = (j, best_iou)
    return out


# --- running the TypeScript detector and cropper ---

def settings(size: int, max_side: int = MAX_SIDE, min_face: float = MIN_FACE, threshold: float = RECORD_THRESHOLD, boxes_only: bool = False) -> dict:
    return {"size": size, "maxSide": max_side, "minFace": min_face, "threshold": threshold, "boxesOnly": boxes_only}


def _folder(s: dict, images: list[str], root: Path) -> Path:
    key = hashlib.sha256(json.dumps({"s": s, "images": images}).encode()).hexdigest()[:12]
    name = f"boxes-{s['maxSide']}-{s['minFace']}" if s["boxesOnly"] else f"crops-{s['size']}"
    return root / f"{name}-{key}"


def run_detector(images: list[str], s: dict, root: Path = REAL_CACHE) -> dict[str, dict]:
    """The crops command's index records by image path, made once per settings and photo list (cached)."""
    out = _folder(s, images, root)
    done = out / "done.json"
    if not done.exists():
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        lst = out / "list.txt"
        lst.write_text("\n".join(images) + "\n")
        cmd = ["npm", "run", "-s", "-w", "@maskwatch/vision", "crops", "--", "--out", str(out), "--size", str(s["size"]),
               "--list", str(lst), "--all-faces", "--threshold", str(s["threshold"]), "--max-side", str(s["maxSide"]),
               "--min-face", str(s["minFace"])] + (["--boxes-only"] if s["boxesOnly"] else [])
        print("+ " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, cwd=REPO_ROOT, check=True)
        done.write_text(json.dumps(s))
    recs = {}
    with open(out / "index.jsonl") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                recs[r["image"]] = r
    missing = [i for i in images if i not in recs or recs[i].get("error")]
    if missing:
        raise RuntimeError(f"the crops command could not read {len(missing)} photos, e.g. {missing[:3]}")
    return recs


def detections(rec: dict, min_score: float = 0.0) -> list[tuple[list[float], float, str | None]]:
    return [(d["box"], d["score"], d.get("crop")) for d in rec.get("allFaces", []) if d["score"] >= min_score]


def match_photo(stem: str, annotations: list[R.Annotation], rec: dict, part: str, group: int, min_iou: float = MATCH_IOU) -> tuple[list[RealFace], list[dict]]:
    """The photo's annotated faces with their matched detections, and the detections left unmatched."""
    dets = detections(rec)
    m = match([a.box for a in annotations], [(d[0], d[1]) for d in dets], min_iou)
    faces = []
    for k, (a, hit) in enumerate(zip(annotations, m)):
        f = RealFace(stem, part, group, k, a.label, a.box, a.size)
        if hit is not None:
            j, v = hit
            f.det_box, f.det_score, f.crop, f.iou = dets[j][0], dets[j][1], dets[j][2], round(v, 4)
        faces.append(f)
    used = {hit[0] for hit in m if hit is not None}
    unmatched = [{"stem": stem, "part": part, "box": d[0], "score": d[1]} for j, d in enumerate(dets) if j not in used]
    return faces, unmatched


def load(size: int = 128, max_side: int = MAX_SIDE, min_face: float = MIN_FACE, boxes_only: bool = False, stems: list[str] | None = None,
         min_iou: float = MATCH_IOU, root: Path = REAL_CACHE, data_root: Path = R.REAL, split_file: Path = R.SPLIT_FILE) -> tuple[list[RealFace], list[dict]]:
    """Every annotated face of the split's photos (or of `stems`), matched; and the unmatched detections."""
    photos = R.load_annotations(data_root)
    rows = {r.stem: r for r in R.read_split(split_file)}
    stems = stems if stems is not None else [s for s in photos if s in rows]
    images = [str(R.image_path(s, data_root)) for s in stems]
    recs = run_detector(images, settings(size, max_side, min_face, RECORD_THRESHOLD, boxes_only), root)
    faces, unmatched = [], []
    for s, img in zip(stems, images):
        f, u = match_photo(s, photos[s], recs[img], rows[s].part, rows[s].group, min_iou)
        faces += f
        unmatched += u
    return faces, unmatched


def smoke_stems(per_class: tuple[int, int, int] = (2, 1, 1), split_file: Path = R.SPLIT_FILE) -> list[str]:
    """A few real photos for smoke runs: for each class, the first photos of each part holding it."""
    photos = R.load_annotations()
    rows = R.read_split(split_file)
    out: list[str] = []
    for part, n in zip(R.PARTS, per_class):
        for c in range(len(LABELS)):
            out += [r.stem for r in rows if r.part == part and r.stem not in out and any(a.label == c for a in photos[r.stem])][:n]
    return out


def classifier_faces(part: str, size: int = 128, smoke: bool = False, min_score: float = DETECT_THRESHOLD, min_size: float = MIN_SIZE) -> list[RealFace]:
    """The faces of a part that the classifier is trained or judged on: annotated faces of min_size px and up that
    the detector found at min_score (default: `detect`'s threshold, what is shown and alerted), with their crop."""
    faces, _ = load(size, stems=smoke_stems() if smoke else None)
    return [f for f in faces if f.part == part and f.detected(min_score) and f.size >= min_size]


def recall_table(faces: list[RealFace], threshold: float = DETECT_THRESHOLD) -> list[dict]:
    """Detection recall per size band and class (faces of 20 px and up), and over faces of MIN_SIZE and up."""
    rows = []
    for name in [b[2] for b in BANDS] + [f">= {MIN_SIZE}"]:
        sel = [f for f in faces if (band(f.size) == name if not name.startswith(">=") else f.size >= MIN_SIZE)]
        for c, lab in list(enumerate(LABELS)) + [(None, "all")]:
            s = [f for f in sel if c is None or f.label == c]
            if s:
                rows.append({"band": name, "label": lab, "faces": len(s), "recall": sum(f.detected(threshold) for f in s) / len(s)})
    return rows


def precision(faces: list[RealFace], unmatched: list[dict], threshold: float = DETECT_THRESHOLD) -> float:
    """Matched detections over all detections at the threshold (unboxed real faces count as false here)."""
    tp = sum(f.detected(threshold) for f in faces)
    fp = sum(u["score"] >= threshold for u in unmatched)
    return tp / max(1, tp + fp)


def load_crops(faces: list[RealFace]) -> np.ndarray:
    from PIL import Image

    return np.stack([np.asarray(Image.open(f.crop).convert("RGB")) for f in faces]) if faces else np.zeros((0, 128, 128, 3), np.uint8)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--min-iou", type=float, default=MATCH_IOU)
    ap.add_argument("--smoke", action="store_true", help="a few photos only (pipeline check)")
    args = ap.parse_args(argv)
    faces, unmatched = load(args.size, min_iou=args.min_iou, stems=smoke_stems() if args.smoke else None)
    for part in R.PARTS:
        fp = [f for f in faces if f.part == part]
        big = [f for f in fp if f.size >= MIN_SIZE]
        det = [f for f in big if f.detected()]
        lab = Counter(LABELS[f.label] for f in det)
        print(f"{part}: {len(fp)} annotated faces, {len(big)} of {MIN_SIZE} px and up, {len(det)} detected at {DETECT_THRESHOLD} "
              f"({len(det) / max(1, len(big)):.1%}), {dict(lab)}; matched at >= {RECORD_THRESHOLD}: {sum(f.det_box is not None for f in fp)}", file=sys.stderr)
    ious = np.array([f.iou for f in faces if f.det_box is not None])
    if len(ious):
        print(f"IoU of matches: median {np.median(ious):.3f}, 10th percentile {np.quantile(ious, 0.1):.3f}", file=sys.stderr)
    tv = [f for f in faces if f.part != "test"]
    for r in recall_table(tv):
        print(f"  train+val recall {r['band']:>6} {r['label']:<9} {r['faces']:>5} {r['recall']:.3f}", file=sys.stderr)
    print(f"  train+val precision at {DETECT_THRESHOLD}: {precision(tv, [u for u in unmatched if u['part'] != 'test']):.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
