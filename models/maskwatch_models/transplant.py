"""Realistic `incorrect` examples: a real mask moved down below the nose of a real unmasked face (issue 7).

    python -m maskwatch_models.transplant --sheet models/report/incorrect-transplants.png [--n 24]

The only `incorrect` pictures in the data are MaskedFace-Net's: one synthetic mask drawn below the nose of an aligned
frontal FFHQ face. Here a mask region is taken from a real `mask` picture (face-mask/with_mask) and moved onto a
real `no_mask` face (face-mask/without_mask), both located by YuNet's five landmarks (onnxruntime, the same
detector and decoding as packages/vision):
1. a similarity transform maps the mask face's landmarks onto the bare face's (least squares over the five);
2. the mask region is the lower face in landmark coordinates: from 0.3 to 1.6 eye-mouth distances below the eyes,
   a rounded band about two eye distances wide, feathered;
3. it is pulled down by 0.35-0.55 eye-mouth distances (below the nose: nose showing, mouth covered) or 0.8-1.05
   (on the chin: nose and mouth showing), turned by up to +-10 degrees, scaled by 0.92-1.1, its brightness matched to
   the face, and blended in; then the face is cropped as `cropFace` does.
Only training-split pictures are used (never validation), so the grouped split stays clean.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from . import crops as C
from .paths import CACHE, CROP_SIZE, LABELS


def similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2x3 matrix of the similarity transform (rotation, uniform scale, translation) taking src points onto dst
    points in the least-squares sense (Umeyama, no reflection)."""
    ms, md = src.mean(0), dst.mean(0)
    a, b = src - ms, dst - md
    cov = b.T @ a / len(src)
    u, s, vt = np.linalg.svd(cov)
    d = np.sign(np.linalg.det(u @ vt)) or 1.0
    r = u @ np.diag([1.0, d]) @ vt
    scale = (s * np.array([1.0, d])).sum() / (a ** 2).sum(1).mean()
    t = md - scale * r @ ms
    return np.hstack([scale * r, t[:, None]])


def warp(rgb: np.ndarray, m: np.ndarray, out_hw: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """rgb sampled through the inverse of the 2x3 forward transform m onto an out_hw canvas (bilinear, edges
    clamped), and where the sample fell inside rgb."""
    h, w = out_hw
    a = np.vstack([m, [0, 0, 1]])
    inv = np.linalg.inv(a)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    sx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
    sy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
    H, W = rgb.shape[:2]
    inside = (sx >= 0) & (sx <= W - 1) & (sy >= 0) & (sy <= H - 1)
    sx, sy = np.clip(sx, 0, W - 1), np.clip(sy, 0, H - 1)
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    x1, y1 = np.minimum(x0 + 1, W - 1), np.minimum(y0 + 1, H - 1)
    fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
    s = rgb.astype(np.float64)
    top = s[y0, x0] * (1 - fx) + s[y0, x1] * fx
    bot = s[y1, x0] * (1 - fx) + s[y1, x1] * fx
    return top * (1 - fy) + bot * fy, inside


def mask_alpha(lm: np.ndarray, hw: tuple[int, int], top: float = 0.3, bottom: float = 1.6, half_width: float = 1.0) -> np.ndarray:
    """Alpha (0..1, feathered) of the lower-face band where a worn mask sits, in the frame of landmarks lm [5, 2]:
    t = distance below the eye midpoint along the eyes-to-mouth axis in eye-mouth distances, s = across it in eye
    distances; the band is top <= t <= bottom, |s| <= half_width, its lower corners rounded like a jaw."""
    h, w = hw
    eye = (lm[0] + lm[1]) / 2
    mouth = (lm[3] + lm[4]) / 2
    down = mouth - eye
    d = float(np.hypot(*down)) or 1.0
    u = down / d
    v = np.array([u[1], -u[0]])
    eye_d = float(np.hypot(*(lm[1] - lm[0]))) or d
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    px, py = xs - eye[0], ys - eye[1]
    t = (px * u[0] + py * u[1]) / d
    s = (px * v[0] + py * v[1]) / eye_d
    mid = (top + bottom) / 2
    # rounded rectangle: superellipse in (s, t) scaled to the band
    r = (np.abs(s) / half_width) ** 4 + (np.abs(t - mid) / ((bottom - top) / 2)) ** 4
    feather = 0.25
    return np.clip((1 - r) / feather, 0, 1)


def transplant(target: np.ndarray, t_lm: np.ndarray, source: np.ndarray, s_lm: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict] | None:
    """The target picture with the source's mask moved onto it, pulled down below the nose (or onto the chin); None
    when the mask region would come from outside the source picture. The source is aligned by its eyes only: on a
    masked face YuNet's nose and mouth points are guesses."""
    h, w = target.shape[:2]
    eye = (t_lm[0] + t_lm[1]) / 2
    mouth = (t_lm[3] + t_lm[4]) / 2
    d = float(np.hypot(*(mouth - eye)))
    u = (mouth - eye) / max(d, 1e-6)
    style = "below nose" if rng.random() < 0.6 else "on chin"
    drop = rng.uniform(0.35, 0.55) if style == "below nose" else rng.uniform(0.8, 1.05)
    angle = math.radians(rng.uniform(-10, 10))
    scale = rng.uniform(0.92, 1.1)
    # where the source's landmarks land: the target's, then turned and scaled about the mouth and moved down
    centre = mouth
    c, s_ = math.cos(angle) * scale, math.sin(angle) * scale
    moved = (t_lm - centre) @ np.array([[c, s_], [-s_, c]]) + centre + u * drop * d
    m = similarity(s_lm[:2], moved[:2])
    warped, inside = warp(source, m, (h, w))
    alpha = mask_alpha(moved, (h, w), bottom=1.45)
    # a mask pulled down bunches under the chin: nothing of it below ~1.8 eye-mouth distances under the eyes
    ys, xs = np.mgrid[0:h, 0:w]
    t = ((xs - eye[0]) * u[0] + (ys - eye[1]) * u[1]) / max(d, 1e-6)
    alpha = alpha * np.clip((1.95 - t) / 0.2, 0, 1)
    if alpha.sum() == 0 or (alpha * inside).sum() < 0.97 * alpha.sum():
        return None
    # match the mask's brightness to the face's lighting (mean of the target's cheeks/forehead band vs the source's)
    skin = mask_alpha(t_lm, (h, w), top=-0.4, bottom=0.4, half_width=1.2) > 0.5
    src_skin = mask_alpha(s_lm, source.shape[:2], top=-0.4, bottom=0.4, half_width=1.2) > 0.5
    if skin.any() and src_skin.any():
        gain = np.clip(target[skin].mean() / max(source[src_skin].mean(), 1.0), 0.6, 1.6)
        warped = warped * gain
    out = target.astype(np.float64) * (1 - alpha[..., None]) + warped * alpha[..., None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8), {"style": style, "drop": round(drop, 3), "angleDeg": round(math.degrees(angle), 1), "scale": round(scale, 3)}


def _faces(paths: list[str], det: C.YuNet, need: int, rng: random.Random, min_side: float = 60.0, room_below: float = 0.0) -> list[tuple[str, list[float], np.ndarray]]:
    """Up to `need` pictures (in a seeded order) with one confident face at least min_side px wide and room_below x
    its height of picture under it (a mask pulled to the chin must not run off the picture)."""
    order = list(paths)
    rng.shuffle(order)
    out = []
    for p in order:
        if len(out) >= need:
            break
        rgb = np.asarray(Image.open(p).convert("RGB"))
        found = det.detect_landmarks(rgb)
        if not found:
            continue
        box = found[0][0]
        if found[0][1] >= 0.7 and box[2] - box[0] >= min_side and box[3] + room_below * (box[3] - box[1]) <= rgb.shape[0]:
            out.append((p, found[0][0], found[0][2]))
    return out


def make(n: int, seed: int = 1234, items=None, cache: Path = CACHE / "transplants") -> tuple[np.ndarray, list[dict]]:
    """n transplanted `incorrect` crops (uint8 [n, 128, 128, 3]) made only from `items` (default: the training
    split; scenes.py passes the validation split), cached by (n, seed, items). Each meta line names the target's
    group."""
    from . import data as D

    if items is None:
        items, _ = D.grouped_split(D.build_index())
    group = {i.path: i.group for i in items}
    bare = [i.path for i in items if i.rel.startswith("face-mask/without_mask/") and "augmented_image_" not in i.rel]
    masked = [i.path for i in items if i.rel.startswith("face-mask/with_mask/")]
    key = hashlib.sha256(json.dumps({"v": 1, "n": n, "seed": seed, "bare": bare, "masked": masked}).encode()).hexdigest()[:12]
    folder = cache / key
    if (folder / "crops.npz").exists():
        return np.load(folder / "crops.npz")["crops"], json.loads((folder / "meta.json").read_text())
    rng = random.Random(seed)
    det = C.YuNet()
    targets = _faces(bare, det, n, rng, room_below=0.15)
    sources = _faces(masked, det, max(8, n // 3), rng)
    if not targets or not sources:
        # a handful of pictures (smoke runs, tests) may hold no face with room below it: no transplants then
        print(f"transplant: no usable faces among {len(bare)} unmasked / {len(masked)} masked pictures", file=sys.stderr)
        return np.zeros((0, CROP_SIZE, CROP_SIZE, 3), np.uint8), []
    crops, meta = [], []
    for k in range(n):
        tp, tbox, tlm = targets[k % len(targets)]
        target = np.asarray(Image.open(tp).convert("RGB"))
        for _ in range(20):  # a source whose mask region lies inside its picture
            sp, _, slm = sources[rng.randrange(len(sources))]
            done = transplant(target, tlm, np.asarray(Image.open(sp).convert("RGB")), slm, rng)
            if done is not None:
                break
        if done is None:
            continue
        img, info = done
        crops.append(C.crop_square(img, C.face_square(tbox), CROP_SIZE))
        meta.append({"target": tp, "source": sp, "group": group[tp], "label": LABELS.index("incorrect"), **info})
    arr = np.stack(crops) if crops else np.zeros((0, CROP_SIZE, CROP_SIZE, 3), np.uint8)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / "crops.npz", crops=arr)
    (folder / "meta.json").write_text(json.dumps(meta))
    return arr, meta


def contact_sheet(crops: np.ndarray, meta: list[dict], out: Path, cols: int = 8) -> None:
    """A grid of transplants (128 px each) with their style, for checking by eye that they look real."""
    from . import plots  # noqa: F401  (Agg backend)
    import matplotlib.pyplot as plt

    rows = math.ceil(len(crops) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.5, rows * 1.65))
    for ax, k in zip(np.ravel(axes), range(rows * cols)):
        ax.axis("off")
        if k < len(crops):
            ax.imshow(crops[k])
            ax.set_title(f"{meta[k]['style']} {meta[k]['angleDeg']:+.0f}°", fontsize=7)
    fig.suptitle("incorrect by transplant: real masks moved below the nose of real unmasked faces (training split)", fontsize=9)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sheet", type=Path, required=True, help="contact sheet PNG to write")
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--seed", type=int, default=99)
    args = ap.parse_args(argv)
    crops, meta = make(args.n, args.seed)
    contact_sheet(crops, meta, args.sheet)
    print(f"{args.sheet}: {len(crops)} transplants", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
