"""Which images must stay on the same side of the split.

Three kinds of link, merged with union-find:
1. exact duplicates: same sha256 of the file bytes;
2. near duplicates: the groups listed in face-mask/NEAR_DUPLICATE_GROUPS.json (pHash distance <= 2);
3. `without_mask/augmented_image_N`: flips/rotations (plus blur, zoom, colour changes) of other files. Each one is
   linked to its source by matching a small appearance descriptor (grey 16x16 of the central 60% square, zero mean,
   unit norm) of the augmented image, un-rotated by every angle in -45..45 deg (step 5) with and without a
   horizontal flip, against the descriptor of every other `without_mask` image; the best match above
   AUG_THRESHOLD (cosine) is the source. Augmented images are also linked to each other the same way, so copies of
   one source stay together even where the source itself is not matched. The threshold is conservative (linking
   too much only makes groups larger; linking too little leaks).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from PIL import Image

AUG_THRESHOLD = 0.90
ANGLES = list(range(-45, 46, 5))


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _square(img: Image.Image) -> Image.Image:
    w, h = img.size
    s = min(w, h)
    return img.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))


def descriptor(img: Image.Image) -> np.ndarray:
    g = _square(img.convert("L"))
    s = g.size[0]
    m = int(s * 0.2)
    g = g.crop((m, m, s - m, s - m)).resize((16, 16), Image.BILINEAR)
    v = np.asarray(g, np.float32).ravel()
    v = v - v.mean()
    return v / (np.linalg.norm(v) + 1e-6)


def transformed_descriptors(img: Image.Image) -> np.ndarray:
    """Descriptors of the image un-rotated by each angle, unflipped and flipped: [2 * len(ANGLES), 256]."""
    sq = _square(img.convert("L"))
    out = []
    for flip in (False, True):
        base = sq.transpose(Image.FLIP_LEFT_RIGHT) if flip else sq
        for a in ANGLES:
            out.append(descriptor(base.rotate(a, Image.BILINEAR) if a else base))
    return np.stack(out)


def link_augmented(paths: list[Path], is_aug: list[bool]) -> tuple[list[tuple[int, int, float]], list[tuple[int, int, float]]]:
    """Returns (augmented -> source links, augmented <-> augmented links) as (i, j, cosine)."""
    imgs = [Image.open(p) for p in paths]
    base = np.stack([descriptor(im) for im in imgs])
    aug_idx = [i for i, a in enumerate(is_aug) if a]
    src_idx = np.array([i for i, a in enumerate(is_aug) if not a])
    to_source, to_aug = [], []
    aug_base = base[aug_idx]
    for k, i in enumerate(aug_idx):
        t = transformed_descriptors(imgs[i])
        sims = (t @ base[src_idx].T).max(0)
        j = int(sims.argmax())
        if sims[j] >= AUG_THRESHOLD:
            to_source.append((i, int(src_idx[j]), float(sims[j])))
        sims_aug = (t @ aug_base.T).max(0)
        for kk in np.nonzero(sims_aug >= AUG_THRESHOLD)[0]:
            if kk != k:
                to_aug.append((i, aug_idx[kk], float(sims_aug[kk])))
    return to_source, to_aug


def near_duplicate_groups(json_path: Path) -> list[list[str]]:
    return json.loads(Path(json_path).read_text())
