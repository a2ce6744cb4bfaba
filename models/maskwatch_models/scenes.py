"""Scene-like validation: the grouped validation split as a camera sees it (issue 7).

    python -m maskwatch_models.scenes [--repeats 2] [--per-scene 12] [--seed 7]

Two sets, both made only from *validation* images (never a training image):
- renders: every validation face rendered at 20, 28, 40 and 64 px wide (its 128 crop scaled down so that the
  face is that wide, with antialiasing like a camera sensor), then blur, low light with sensor noise and JPEG at that
  size, then sampled back to 128 px with the crop's bilinear kernel (what `cropFace` does on a small face);
- composites: validation faces pasted at crowd scale (the same four widths) into 960x540 backgrounds (frames of the
  ../shared/videos clips, or plain, gradient and noisy backgrounds), blended with a feathered ellipse, the whole
  picture degraded and saved as JPEG, then run through the real detector and cropper (the TypeScript `crops`
  command with `--all-faces --threshold 0.6`, the threshold `detect` uses). Detections are matched to the pasted
  boxes (IoU >= 0.4, greedy by score) and the matched crops classified.
Every classifier in the manifest gives its logits (onnxruntime). Everything is seeded; the pictures, detections
and logits are cached under models/.cache/scenes/ (keyed by the parameters, the split and each model's sha256).
Video frames stay in the cache: the clips' licence allows tests only, no frame is shown.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from . import crops as C
from .paths import CACHE, CROP_SIZE, LABELS, MODELS_DIR, REPO_ROOT, SHARED

SIZES = (20, 28, 40, 64)
SCENE_W, SCENE_H = 960, 540
PATCH_CONTEXT = 2.0  # pasted square side / face box side: hair, ears and a little background come along
MATCH_IOU = 0.4
DETECT_THRESHOLD = 0.6  # `detect`'s default detector threshold
VERSION = 1
SCENES_DIR = CACHE / "scenes"
VAL_TRANSPLANTS = 200  # real-looking `incorrect` faces made from validation pictures (transplant.py)


@dataclass
class Params:
    seed: int = 7
    repeats: int = 2  # composites: each validation face is pasted this many times, at different widths
    per_scene: int = 12
    sizes: tuple[int, ...] = SIZES
    limit: int = 0  # > 0: only the first `limit` validation faces per class (smoke runs and tests)


# --- degradations ---

def degrade(img: Image.Image, rng: random.Random, p_blur=0.5, p_dark=0.4, jpeg=(25, 70)) -> tuple[Image.Image, dict]:
    """Blur, low light (gain, gamma, sensor noise, a colour cast) and JPEG, each drawn from `rng`; returns what was
    applied. JPEG always: camera streams are compressed."""
    cond: dict = {}
    if rng.random() < p_blur:
        cond["blur"] = round(rng.uniform(0.4, 1.2), 2)
        img = img.filter(ImageFilter.GaussianBlur(cond["blur"]))
    if rng.random() < p_dark:
        gain, gamma, sigma = rng.uniform(0.25, 0.55), rng.uniform(1.1, 1.6), rng.uniform(2.0, 7.0)
        cast = np.array([rng.uniform(0.9, 1.1), 1.0, rng.uniform(0.85, 1.1)])
        x = np.asarray(img, np.float32) / 255.0
        x = (x ** gamma) * gain * cast
        nrng = np.random.default_rng(rng.getrandbits(32))
        x = x * 255.0 + nrng.normal(0, sigma, x.shape)
        img = Image.fromarray(np.clip(np.rint(x), 0, 255).astype(np.uint8))
        cond["dark"] = round(gain, 2)
    q = rng.randint(*jpeg)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=q)
    buf.seek(0)
    cond["jpeg"] = q
    return Image.open(buf).convert("RGB"), cond


def render_face(crop: np.ndarray, size: int, rng: random.Random) -> tuple[np.ndarray, dict]:
    """A 128 crop (square side = face side * 1.3, the crop margin) as it looks when the face is `size` px wide:
    scaled down to round(1.3 * size) px (antialiased), degraded at that size, sampled back up to the crop size with
    the crop's bilinear kernel."""
    side = max(4, round(size * (1 + 2 * C.MARGIN)))
    small = Image.fromarray(crop).resize((side, side), Image.BILINEAR, reducing_gap=None)
    small, cond = degrade(small, rng)
    up = C.resize_bilinear(np.asarray(small), crop.shape[1], crop.shape[0])
    return up, {"size": size, **cond}


# --- composites ---

def background(rng: random.Random, frames: list[Path]) -> np.ndarray:
    """A 960x540 background: a video frame (cropped to 16:9 at a random place) half the time when there are
    frames, else a plain, gradient or noisy one with a few blocks of colour (walls, shelves)."""
    if frames and rng.random() < 0.5:
        im = Image.open(rng.choice(frames)).convert("RGB")
        w, h = im.size
        scale = max(SCENE_W / w, SCENE_H / h) * rng.uniform(1.0, 1.4)
        im = im.resize((max(SCENE_W, round(w * scale)), max(SCENE_H, round(h * scale))), Image.BILINEAR)
        x0, y0 = rng.randint(0, im.size[0] - SCENE_W), rng.randint(0, im.size[1] - SCENE_H)
        return np.asarray(im.crop((x0, y0, x0 + SCENE_W, y0 + SCENE_H)))
    nrng = np.random.default_rng(rng.getrandbits(32))
    c0, c1 = nrng.uniform(20, 235, 3), nrng.uniform(20, 235, 3)
    kind = rng.choice(["plain", "gradient", "noise"])
    t = np.linspace(0, 1, SCENE_H)[:, None, None] if kind == "gradient" else 0.0
    x = np.broadcast_to(c0 + (c1 - c0) * t, (SCENE_H, SCENE_W, 3)).astype(np.float32)
    im = Image.fromarray(np.clip(x, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(im)
    for _ in range(rng.randint(2, 8)):
        x1, y1 = rng.randint(0, SCENE_W), rng.randint(0, SCENE_H)
        draw.rectangle([x1, y1, x1 + rng.randint(20, 300), y1 + rng.randint(20, 200)], fill=tuple(int(v) for v in nrng.uniform(0, 255, 3)))
    x = np.asarray(im, np.float32)
    x += nrng.normal(0, 12.0 if kind == "noise" else 3.0, x.shape)
    return np.clip(x, 0, 255).astype(np.uint8)


def face_patch(rgb: np.ndarray, box, size: int) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """The square around the detector box (side PATCH_CONTEXT x the box's longer side) scaled so that the box is
    `size` px wide; its feathered elliptical alpha; and the box's (width, height) at that scale."""
    x1, y1, x2, y2 = box
    bw, bh = x2 - x1, y2 - y1
    f = size / bw
    side_src = PATCH_CONTEXT * max(bw, bh)
    side = max(4, round(side_src * f))
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    big = C.crop_square(rgb, (cx - side_src / 2, cy - side_src / 2, cx + side_src / 2, cy + side_src / 2), max(side, min(512, round(side_src))))
    patch = np.asarray(Image.fromarray(big).resize((side, side), Image.BILINEAR, reducing_gap=None))
    yy, xx = (np.mgrid[0:side, 0:side] + 0.5) / side - 0.5
    r = np.sqrt((xx / 0.5) ** 2 + (yy / 0.5) ** 2)  # 1 at the patch's inscribed circle
    alpha = np.clip((1.0 - r) / 0.3, 0, 1)  # opaque inside 0.7 of the radius: the face box is within 0.5/2 = 0.36
    return patch, alpha.astype(np.float32), (bw * f, bh * f)


def compose(bg: np.ndarray, faces: list[tuple[np.ndarray, list[float], int]], rng: random.Random) -> tuple[np.ndarray, list[list[float]], dict]:
    """Pastes faces (rgb, detector box, width in px) into the background, one per cell of a grid with a random
    offset, degrades the whole picture; returns it, the pasted face boxes (scene pixels) and the conditions."""
    n = len(faces)
    cols = int(np.ceil(np.sqrt(n * SCENE_W / SCENE_H)))
    rows = int(np.ceil(n / cols))
    cw, ch = SCENE_W / cols, SCENE_H / rows
    canvas = bg.astype(np.float32).copy()
    boxes = []
    cells = list(range(cols * rows))
    rng.shuffle(cells)
    for (rgb, box, size), cell in zip(faces, cells):
        patch, alpha, (fw, fh) = face_patch(rgb, box, size)
        side = patch.shape[0]
        r, c = divmod(cell, cols)
        lo_x, hi_x = c * cw, (c + 1) * cw - side
        lo_y, hi_y = r * ch, (r + 1) * ch - side
        px = round(rng.uniform(lo_x, max(lo_x, hi_x)))
        py = round(rng.uniform(lo_y, max(lo_y, hi_y)))
        # clip to the canvas (a 64 px face's patch is 128 px; the cells are larger than that at 12 per scene)
        px, py = min(max(px, 0), SCENE_W - side), min(max(py, 0), SCENE_H - side)
        a = alpha[..., None]
        canvas[py : py + side, px : px + side] = canvas[py : py + side, px : px + side] * (1 - a) + patch * a
        cx, cy = px + side / 2, py + side / 2
        boxes.append([cx - fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2])
    img, cond = degrade(Image.fromarray(np.clip(np.rint(canvas), 0, 255).astype(np.uint8)), rng, p_blur=0.3, p_dark=0.3, jpeg=(40, 85))
    return np.asarray(img), boxes, cond


def match(gt: list[list[float]], det: list[tuple[list[float], float]], min_iou: float = MATCH_IOU) -> list[int | None]:
    """For each ground-truth box, the index of the detection matched to it (greedy: detections by score, each to
    the free ground-truth box it overlaps most, when IoU >= min_iou), or None."""
    out: list[int | None] = [None] * len(gt)
    for j in sorted(range(len(det)), key=lambda j: -det[j][1]):
        best, best_iou = None, min_iou
        for i, g in enumerate(gt):
            if out[i] is None:
                iou = C._iou(g, det[j][0])
                if iou >= best_iou:
                    best, best_iou = i, iou
        if best is not None:
            out[best] = j
    return out


# --- building the sets ---

def video_frames(out: Path, per_clip: int = 8) -> list[Path]:
    """A few frames of each clip in ../shared/videos (cached); none when ffmpeg or the clips are missing."""
    clips = sorted((SHARED / "videos").glob("*.mp4"))
    if not clips or shutil.which("ffmpeg") is None:
        return []
    out.mkdir(parents=True, exist_ok=True)
    frames = []
    for clip in clips:
        have = sorted(out.glob(f"{clip.stem}_*.png"))
        if len(have) < per_clip:
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-vf", f"fps={per_clip}/8", "-frames:v", str(per_clip), str(out / f"{clip.stem}_%02d.png")], check=True)
            have = sorted(out.glob(f"{clip.stem}_*.png"))
        frames += have
    return frames


def validation_faces(limit: int = 0) -> tuple[list, dict[str, dict]]:
    """The grouped validation split (the training defaults: fraction 0.2, seed 1234) and its crop records (the TS
    crops of models/.cache/crops when they cover it, else a validation-only crop folder). limit > 0: only the first
    2 x limit images of each class (smoke runs)."""
    from . import data as D

    items = D.build_index()
    _, val = D.grouped_split(items)
    if limit > 0:
        val = [it for c in range(len(LABELS)) for it in [v for v in val if v.label == c][: 2 * limit]]
    paths = [i.path for i in val]
    full = CACHE / "crops"
    if (full / "index.jsonl").exists():
        recs = C.read_index(full)
        if all(p in recs for p in paths):
            return val, recs
    return val, C.ensure_crops(paths, SCENES_DIR / (f"val-crops-{limit}" if limit > 0 else "val-crops"))


def _key(params: Params, val) -> str:
    h = hashlib.sha256(json.dumps({"v": VERSION, "p": asdict(params), "val": [i.rel for i in val]}).encode())
    return h.hexdigest()[:12]


def build(params: Params = Params(), out_root: Path = SCENES_DIR, val=None, recs=None, crops_tool: str = "ts") -> Path:
    """Makes (or reuses) the scene-like set; returns its folder, holding renders.npz (uint8 crops and labels) and
    composites/ (JPEGs, the crops index, scenes.json with the pasted boxes and their matches)."""
    if val is None:
        val, recs = validation_faces(params.limit)
    faces = [it for it in val if recs[it.path]["detected"]]
    if params.limit > 0:
        faces = [it for c in range(len(LABELS)) for it in [f for f in faces if f.label == c][: params.limit]]
    out = out_root / _key(params, val)
    done = out / "done.json"
    if done.exists():
        _transplants(out, params, val)
        return out
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(params.seed)

    # renders: every face at every width
    crops, meta = [], []
    for k, it in enumerate(faces):
        crop = np.asarray(Image.open(recs[it.path]["crop"]).convert("RGB"))
        for size in params.sizes:
            img, cond = render_face(crop, size, random.Random(f"{params.seed}/{k}/{size}"))
            crops.append(img)
            meta.append({"item": k, "label": it.label, "group": it.group, **cond})
    np.savez_compressed(out / "renders.npz", crops=np.stack(crops) if crops else np.zeros((0, CROP_SIZE, CROP_SIZE, 3), np.uint8))
    (out / "renders.json").write_text(json.dumps(meta))

    # composites: each face `repeats` times, widths cycling so that every class meets every width
    plan = []
    for rep in range(params.repeats):
        for k, it in enumerate(faces):
            plan.append((k, params.sizes[(k + rep * (1 + len(params.sizes) // 2)) % len(params.sizes)]))
    rng.shuffle(plan)
    frames = video_frames(out_root / "video-frames")
    comp_dir = out / "composites"
    comp_dir.mkdir(exist_ok=True)
    scenes, images = [], []
    source_cache: dict[int, np.ndarray] = {}
    for s in range(0, len(plan), params.per_scene):
        chunk = plan[s : s + params.per_scene]
        pasted = []
        for k, size in chunk:
            if k not in source_cache:
                source_cache.clear() if len(source_cache) > 64 else None
                source_cache[k] = np.asarray(Image.open(faces[k].path).convert("RGB"))
            pasted.append((source_cache[k], recs[faces[k].path]["box"], size))
        img, boxes, cond = compose(background(rng, frames), pasted, rng)
        path = comp_dir / f"{len(scenes):04d}.png"
        Image.fromarray(img).save(path)  # already JPEG-compressed by `compose`; PNG keeps exactly those pixels
        images.append(str(path))
        scenes.append({"image": str(path), "faces": [{"item": k, "label": faces[k].label, "group": faces[k].group, "size": size, "box": [round(v, 2) for v in b]} for (k, size), b in zip(chunk, boxes)], **cond})
    det_dir = out / "detections"
    if crops_tool == "ts":
        _ts_all_faces(images, det_dir)
    else:
        _python_all_faces(images, det_dir)
    index = {}
    with open(det_dir / "index.jsonl") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                index[r["image"]] = r
    for sc in scenes:
        dets = [(d["box"], d["score"]) for d in index[sc["image"]].get("allFaces", [])]
        crops_of = [d["crop"] for d in index[sc["image"]].get("allFaces", [])]
        m = match([f["box"] for f in sc["faces"]], dets)
        for f, j in zip(sc["faces"], m):
            f["detected"] = j is not None
            if j is not None:
                f["crop"], f["detBox"], f["detScore"] = crops_of[j], dets[j][0], dets[j][1]
        sc["detections"] = len(dets)
    (out / "scenes.json").write_text(json.dumps(scenes))
    _transplants(out, params, val)
    done.write_text(json.dumps({"params": asdict(params), "faces": len(faces), "renders": len(meta), "composites": len(scenes), "tool": crops_tool}))
    return out


def _transplants(out: Path, params: Params, val) -> None:
    """The third set: real masks moved below the nose of real unmasked faces (transplant.py), all from validation
    pictures, rendered at every width like the renders. The validation `incorrect` pictures are all synthetic
    (MaskedFace-Net); these stand for the real incorrectly worn masks a camera sees."""
    if (out / "transplants.json").exists():
        return
    from . import transplant as T

    n = 2 * params.limit if params.limit > 0 else VAL_TRANSPLANTS
    crops, meta = T.make(n, params.seed, val, cache=out / "transplant-cache")
    rendered, rmeta = [], []
    for k, (crop, m) in enumerate(zip(crops, meta)):
        for size in params.sizes:
            img, cond = render_face(crop, size, random.Random(f"{params.seed}/t{k}/{size}"))
            rendered.append(img)
            rmeta.append({"item": k, "label": m["label"], "group": m["group"], "style": m["style"], **cond})
    np.savez_compressed(out / "transplants.npz", crops=np.stack(rendered) if rendered else np.zeros((0, CROP_SIZE, CROP_SIZE, 3), np.uint8))
    (out / "transplants.json").write_text(json.dumps(rmeta))


def _ts_all_faces(images: list[str], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    lst = out_dir / "list.txt"
    lst.write_text("\n".join(images) + "\n")
    cmd = ["npm", "run", "-s", "-w", "@maskwatch/vision", "crops", "--", "--out", str(out_dir), "--size", str(CROP_SIZE), "--list", str(lst), "--all-faces", "--threshold", str(DETECT_THRESHOLD)]
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=REPO_ROOT, check=True)


def _python_all_faces(images: list[str], out_dir: Path) -> None:
    """The Python mirror of the TS detector and crop (tests only, where npm is slow to start)."""
    det = C.YuNet(score_threshold=DETECT_THRESHOLD)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "index.jsonl", "w") as index:
        for n, path in enumerate(images):
            rgb = np.asarray(Image.open(path).convert("RGB"))
            faces = []
            for k, (box, score) in enumerate(det.detect(rgb)):
                png = out_dir / f"{n}_{k}.png"
                Image.fromarray(C.crop_square(rgb, C.face_square(box))).save(png)
                faces.append({"crop": str(png), "box": [round(float(v), 1) for v in box], "score": round(float(score), 4)})
            index.write(json.dumps({"image": path, "allFaces": faces}) + "\n")


# --- classifying ---

def samples(folder: Path) -> dict:
    """The scene-like set as arrays: source ('render' | 'composite'), label, size, group, and a loader of the
    uint8 crops in that order (only detected composite faces have a crop)."""
    meta = json.loads((folder / "renders.json").read_text())
    trans = json.loads((folder / "transplants.json").read_text()) if (folder / "transplants.json").exists() else []
    scenes = json.loads((folder / "scenes.json").read_text())
    comp = [f for sc in scenes for f in sc["faces"] if f["detected"]]
    src = ["render"] * len(meta) + ["transplant"] * len(trans) + ["composite"] * len(comp)
    rows = meta + trans + comp
    return {
        "source": np.array(src),
        "label": np.array([m["label"] for m in rows], int),
        "size": np.array([m["size"] for m in rows], int),
        "group": np.array([m["group"] for m in rows], int),
        "crops": lambda: _crops(folder, comp),
        "scenes": scenes,
    }


def _crops(folder: Path, comp: list[dict]):
    """Yields uint8 NHWC chunks of the crops: renders, transplants, composites."""
    for name in ("renders", "transplants"):
        if (folder / f"{name}.npz").exists():
            arr = np.load(folder / f"{name}.npz")["crops"]
            for i in range(0, len(arr), 256):
                yield arr[i : i + 256]
    for i in range(0, len(comp), 256):
        yield np.stack([np.asarray(Image.open(f["crop"]).convert("RGB")) for f in comp[i : i + 256]])


def logits(folder: Path, manifest: dict, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """Each classifier's logits on the scene-like set (cached per model sha256)."""
    from .export import ort_logits, session

    names = names or [n for n, m in manifest["models"].items() if m["task"] == "classify"]
    out = {}
    for n in names:
        m = manifest["models"][n]
        cache = folder / f"logits-v2-{n}-{m['sha256'][:12]}.npy"
        if cache.exists():
            out[n] = np.load(cache)
            continue
        sess = session(REPO_ROOT / m["file"])
        scale, offset = m["input"]["normalize"]["scale"], m["input"]["normalize"]["offset"]
        rows = [ort_logits(sess, (chunk.astype(np.float32).transpose(0, 3, 1, 2) * scale + offset).astype(np.float32)) for chunk in samples(folder)["crops"]()]
        out[n] = np.concatenate(rows) if rows else np.zeros((0, len(LABELS)), np.float32)
        np.save(cache, out[n])
    return out


def clean_validation(manifest: dict, names: list[str] | None = None) -> dict:
    """The clean grouped split: labels, the face width (detector box, original pixels; 0 when none was found) and
    each classifier's logits on the crops."""
    from . import data as D
    from .export import ort_logits, session

    val, recs = validation_faces()
    names = names or [n for n, m in manifest["models"].items() if m["task"] == "classify"]
    x = D.normalize(D.to_nchw(D.load_crops(val, recs))).numpy()
    width = np.array([(recs[i.path]["box"][2] - recs[i.path]["box"][0]) if recs[i.path]["detected"] else 0.0 for i in val])
    return {"label": np.array([i.label for i in val]), "width": width, "logits": {n: ort_logits(session(REPO_ROOT / manifest["models"][n]["file"]), x) for n in names}}


# --- figures ---

def softmax(z: np.ndarray, t: float = 1.0) -> np.ndarray:
    z = z / t
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def decide(z: np.ndarray, op: dict | None = None) -> np.ndarray:
    """Labels by the operating point (the rule of packages/vision decideLabel): p = softmax(z / T); `mask` when
    p(mask) >= τ, else `incorrect` when p(incorrect) >= r * p(no_mask), else `no_mask`. Without one: argmax."""
    if not op:
        return z.argmax(1)
    p = softmax(z, op.get("temperature", 1.0))
    tau, r = op.get("maskThreshold", 0.5), op.get("incorrectRatio", 1.0)
    out = np.where(p[:, 2] >= r * p[:, 1], 2, 1)
    return np.where(p[:, 0] >= tau, 0, out)


def table(labels: np.ndarray, pred: np.ndarray, sizes: np.ndarray, size_names: list) -> list[dict]:
    """Per size and class: faces, accuracy (3 classes), alert rate (predicted not mask)."""
    rows = []
    for s in size_names:
        sel = sizes == s
        for c, name in enumerate(LABELS):
            m = sel & (labels == c)
            if m.any():
                rows.append({"size": s, "label": name, "faces": int(m.sum()), "accuracy": float((pred[m] == c).mean()), "alertRate": float((pred[m] != 0).mean())})
    return rows


def summary(labels: np.ndarray, pred: np.ndarray, sizes: np.ndarray, min_size: int = 28) -> dict:
    """The issue's targets on faces of min_size px and up: share of non-compliant faces alerted, share of masked
    faces alerted, 3-class accuracy."""
    big = sizes >= min_size
    nc, ok = big & (labels != 0), big & (labels == 0)
    return {
        "alertedNonCompliant": float((pred[nc] != 0).mean()) if nc.any() else float("nan"),
        "falselyAlertedMasked": float((pred[ok] != 0).mean()) if ok.any() else float("nan"),
        "accuracy": float((pred[big] == labels[big]).mean()) if big.any() else float("nan"),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=Params.seed)
    ap.add_argument("--repeats", type=int, default=Params.repeats)
    ap.add_argument("--per-scene", type=int, default=Params.per_scene)
    ap.add_argument("--model", default=None, help="classifier to report (default: the manifest's)")
    ap.add_argument("--calibrated", action="store_true", help="label by the manifest's operating point instead of argmax")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = ap.parse_args(argv)
    manifest = json.loads((MODELS_DIR / "manifest.json").read_text())
    name = args.model or manifest["default"]["classifier"]
    folder = build(Params(args.seed, args.repeats, args.per_scene))
    s = samples(folder)
    z = logits(folder, manifest, [name])[name]
    op = manifest["models"][name].get("operatingPoint") if args.calibrated else None
    pred = decide(z, op)
    scenes = s["scenes"]
    res = {"model": name, "operatingPoint": op, "folder": str(folder), "sets": {}}
    for src in ("render", "transplant", "composite"):
        sel = s["source"] == src
        res["sets"][src] = {"perSizeClass": table(s["label"][sel], pred[sel], s["size"][sel], list(SIZES)), **summary(s["label"][sel], pred[sel], s["size"][sel])}
    res["sets"]["all"] = summary(s["label"], pred, s["size"])
    res["recall"] = recall_table(scenes)
    print(f"scene-like validation of {name} ({'operating point' if op else 'argmax'}), {folder}", file=sys.stderr)
    for src in ("render", "transplant", "composite"):
        print(f"\n{src}s: size label faces accuracy alert-rate", file=sys.stderr)
        for r in res["sets"][src]["perSizeClass"]:
            print(f"  {r['size']:>3} {r['label']:<9} {r['faces']:>5} {r['accuracy']:.3f} {r['alertRate']:.3f}", file=sys.stderr)
        print(f"  >=28 px: {json.dumps({k: round(v, 4) for k, v in res['sets'][src].items() if k != 'perSizeClass'})}", file=sys.stderr)
    print("\ncomposite detection recall: size label pasted recall", file=sys.stderr)
    for r in res["recall"]:
        print(f"  {r['size']:>3} {r['label']:<9} {r['faces']:>5} {r['recall']:.3f}", file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps(res, indent=1))
    return 0


def context_inside(scenes: list[dict], params: Params) -> list[float]:
    """Per pasted face (scene order), the share of its pasted square (PATCH_CONTEXT x the face box) that came from
    inside its source picture; the rest is smeared edge pixels (tight close-ups)."""
    val, recs = validation_faces(params.limit)
    faces = [it for it in val if recs[it.path]["detected"]]
    if params.limit > 0:
        faces = [it for c in range(len(LABELS)) for it in [f for f in faces if f.label == c][: params.limit]]
    sizes: dict[str, tuple[int, int]] = {}
    out = []
    for sc in scenes:
        for f in sc["faces"]:
            it = faces[f["item"]]
            if it.path not in sizes:
                with Image.open(it.path) as im:
                    sizes[it.path] = im.size
            w, h = sizes[it.path]
            x1, y1, x2, y2 = recs[it.path]["box"]
            side = PATCH_CONTEXT * max(x2 - x1, y2 - y1)
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            ix = max(0.0, min(cx + side / 2, w) - max(cx - side / 2, 0))
            iy = max(0.0, min(cy + side / 2, h) - max(cy - side / 2, 0))
            out.append(ix * iy / (side * side))
    return out


def recall_table(scenes: list[dict]) -> list[dict]:
    faces = [f for sc in scenes for f in sc["faces"]]
    rows = []
    for s in SIZES + ("all",):
        for c, name in list(enumerate(LABELS)) + [(None, "all")]:
            sel = [f for f in faces if (s == "all" or f["size"] == s) and (c is None or f["label"] == c)]
            if sel:
                rows.append({"size": s, "label": name, "faces": len(sel), "recall": sum(f["detected"] for f in sel) / len(sel)})
    return rows


if __name__ == "__main__":
    sys.exit(main())
