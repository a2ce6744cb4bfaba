"""The real-scene split that stays put: ../shared/datasets/real-scenes/ilc2021 in train / val / test by
perceptual-hash group, committed as models/splits/ilc2021.tsv.

    python -m maskwatch_models.realsplit            # check the committed split against the data (no write)
    python -m maskwatch_models.realsplit --write    # (re)make it: only when the data set itself changes

Groups (union-find) link photos
- with the same sha256;
- whose 64-bit DCT perceptual hash (imagehash's pHash: 32x32 grey, 2-D DCT, the 8x8 lowest frequencies against
  their median) is within PHASH_MAX_DISTANCE bits of the other's;
- whose whole-picture layout matches: a 24x24 grey thumbnail (box filter, aspect ignored, zero mean, unit norm)
  with cosine >= LAYOUT_MIN_COSINE. pHash alone misses the data set's photo series: one person in one room with
  the mask on, under the nose, on the chin, off (16 bits apart and more), exactly the pictures that carry the
  `incorrect` class; looked at by eye, pairs above 0.80 are mostly such series, below it mostly other people.
Each photo is also described mirrored, so a flipped copy is linked too. The data set's README warns that
near-duplicates may remain: linking too much only makes groups larger, linking too little leaks a photo's twin
(or its series) into the test part. Left: the same person photographed against another background.

Split: whole groups, seeded (SEED), iteratively stratified on faces per class so that each part holds its share
(FRACTIONS) of the rare `incorrect` faces too: groups holding the rarest class go first; each group goes to the
part that most lacks the faces it holds. The file lists every photo by stem with its part, group and hashes; the
pipeline reads it and never re-draws it, so the test part stays the test part whatever the code does next.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .groups import UnionFind
from .paths import DATASETS, LABELS, MODELS_DIR

REAL = DATASETS / "real-scenes" / "ilc2021"
SPLIT_FILE = MODELS_DIR / "splits" / "ilc2021.tsv"
CLASS_MAP = {"with_mask": "mask", "without_mask": "no_mask", "mask_weared_incorrect": "incorrect"}
PARTS = ("train", "val", "test")
FRACTIONS = (0.70, 0.15, 0.15)
SEED = 2021
PHASH_MAX_DISTANCE = 12
LAYOUT_MIN_COSINE = 0.80
HEADER = ["stem", "part", "group", "phash", "phashMirror", "sha256"]
SHA_CHARS = 16  # the file keeps a sha256 prefix: enough to tell that a photo changed


@dataclass(frozen=True)
class Annotation:
    stem: str
    label: int  # index in LABELS
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in the photo's pixels

    @property
    def size(self) -> float:
        """The face's size: the annotated box's longer side (the data set README's measure)."""
        return max(self.box[2] - self.box[0], self.box[3] - self.box[1])


def image_path(stem: str, root: Path = REAL) -> Path:
    return root / "images" / f"{stem}.jpg"


def load_annotations(root: Path = REAL) -> dict[str, list[Annotation]]:
    """Every photo (manifest.csv order) with its annotated faces (faces.csv order)."""
    photos: dict[str, list[Annotation]] = {}
    with open(root / "manifest.csv", newline="") as f:
        for row in csv.DictReader(f):
            photos[Path(row["image"]).stem] = []
    with open(root / "faces.csv", newline="") as f:
        for row in csv.DictReader(f):
            stem = Path(row["image"]).stem
            if stem not in photos:
                raise ValueError(f"faces.csv names {row['image']}, which manifest.csv does not list")
            label = CLASS_MAP.get(row["class"])
            if label is None:
                raise ValueError(f"faces.csv: unknown class {row['class']!r} for {row['image']}")
            box = tuple(float(row[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
            photos[stem].append(Annotation(stem, LABELS.index(label), box))  # type: ignore[arg-type]
    return photos


# --- perceptual hash ---

def _dct_matrix(n: int = 32) -> np.ndarray:
    k = np.arange(n)[:, None]
    m = np.cos(np.pi * (2 * np.arange(n)[None, :] + 1) * k / (2 * n))
    m[0] *= 1 / np.sqrt(2)
    return m * np.sqrt(2 / n)


_DCT = _dct_matrix()


def phash(img: Image.Image) -> int:
    """64-bit pHash of a picture (imagehash's: 32x32 grey, DCT, the top-left 8x8 above their median)."""
    g = np.asarray(img.convert("L").resize((32, 32), Image.LANCZOS), np.float64)
    low = (_DCT @ g @ _DCT.T)[:8, :8].ravel()
    bits = low > np.median(low)
    return int("".join("1" if b else "0" for b in bits), 2)


def layout(img: Image.Image) -> np.ndarray:
    """The whole picture as a 24x24 grey thumbnail, zero mean, unit norm (576 floats)."""
    v = np.asarray(img.convert("L").resize((24, 24), Image.BOX), np.float32).ravel()
    v = v - v.mean()
    return v / (np.linalg.norm(v) + 1e-6)


@dataclass(frozen=True)
class Described:
    phash: int
    phash_mirror: int
    sha256: str
    layout: np.ndarray
    layout_mirror: np.ndarray


def describe(path: Path) -> Described:
    """pHash and layout of the picture and of its mirror image, sha256 of the file."""
    data = path.read_bytes()
    with Image.open(path) as im:
        im.load()
        mirror = im.transpose(Image.FLIP_LEFT_RIGHT)
        return Described(phash(im), phash(mirror), hashlib.sha256(data).hexdigest()[:SHA_CHARS], layout(im), layout(mirror))


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bit distances between uint64 hashes (broadcast)."""
    x = np.bitwise_xor(a, b)
    return np.unpackbits(x.view(np.uint8).reshape(*x.shape, 8), axis=-1).sum(-1)


def group_photos(ds: list[Described], max_distance: int = PHASH_MAX_DISTANCE, min_cosine: float = LAYOUT_MIN_COSINE) -> list[int]:
    """Group id per photo (0, 1, ... in order of first appearance)."""
    n = len(ds)
    uf = UnionFind(n)
    first: dict[str, int] = {}
    for i, d in enumerate(ds):
        if d.sha256 in first:
            uf.union(first[d.sha256], i)
        first.setdefault(d.sha256, i)
    a = np.array([d.phash for d in ds], dtype=np.uint64)
    m = np.array([d.phash_mirror for d in ds], dtype=np.uint64)
    lay = np.stack([d.layout for d in ds]) if ds else np.zeros((0, 576), np.float32)
    lay_m = np.stack([d.layout_mirror for d in ds]) if ds else lay
    for i in range(n):
        near = np.minimum(hamming(a[i], a), hamming(m[i], a)) <= max_distance
        near |= np.maximum(lay @ lay[i], lay @ lay_m[i]) >= min_cosine
        for j in np.nonzero(near)[0]:
            if j != i:
                uf.union(i, int(j))
    roots: dict[int, int] = {}
    return [roots.setdefault(uf.find(i), len(roots)) for i in range(n)]


def assign_parts(counts: dict[int, np.ndarray], fractions=FRACTIONS, seed: int = SEED) -> dict[int, str]:
    """Part per group from counts[group] = [mask, no_mask, incorrect faces, photos]. Seeded; groups holding the
    rarest class first; each goes to the part whose shortfall (target minus held, relative to the target), summed
    over the columns the group holds, is largest (photos count too, so every part gets its share of pictures)."""
    gids = sorted(counts)
    rng = random.Random(seed)
    rng.shuffle(gids)
    total = np.sum([counts[g] for g in gids], axis=0).astype(float)
    rarity = np.argsort(total[:3])  # the rarest class first
    order = sorted(gids, key=lambda g: next((r for r, c in enumerate(rarity) if counts[g][c] > 0), 3))
    target = np.outer(fractions, total)  # [part, class]
    held = np.zeros_like(target)
    out: dict[int, str] = {}
    for g in order:
        c = counts[g].astype(float)
        need = ((target - held) / np.maximum(target, 1e-9) * (c > 0)).sum(1)
        p = int(np.argmax(need))
        held[p] += c
        out[g] = PARTS[p]
    return out


@dataclass(frozen=True)
class SplitRow:
    stem: str
    part: str
    group: int
    phash: int
    phash_mirror: int
    sha256: str


def make_split(root: Path = REAL, seed: int = SEED, max_distance: int = PHASH_MAX_DISTANCE, min_cosine: float = LAYOUT_MIN_COSINE, progress: bool = True) -> list[SplitRow]:
    photos = load_annotations(root)
    stems = list(photos)
    ds = []
    for k, s in enumerate(stems):
        ds.append(describe(image_path(s, root)))
        if progress and (k + 1) % 250 == 0:
            print(f"realsplit: described {k + 1}/{len(stems)}", file=sys.stderr)
    groups = group_photos(ds, max_distance, min_cosine)
    counts: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(4, int))
    for s, g in zip(stems, groups):
        for a in photos[s]:
            counts[g][a.label] += 1
        counts[g][3] += 1  # photos (only used when a group has no face)
    parts = assign_parts({g: c for g, c in counts.items()}, seed=seed)
    return [SplitRow(s, parts[g], g, d.phash, d.phash_mirror, d.sha256) for s, g, d in zip(stems, groups, ds)]


def write_split(rows: list[SplitRow], path: Path = SPLIT_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write("# real-scene split of ../shared/datasets/real-scenes/ilc2021 (maskwatch_models/realsplit.py); do not edit\n")
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(HEADER)
        for r in rows:
            w.writerow([r.stem, r.part, r.group, f"{r.phash:016x}", f"{r.phash_mirror:016x}", r.sha256])


def read_split(path: Path = SPLIT_FILE) -> list[SplitRow]:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run python -m maskwatch_models.realsplit --write once")
    with open(path, newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    if reader.fieldnames != HEADER:
        raise ValueError(f"{path}: header {reader.fieldnames}, expected {HEADER}")
    rows = [SplitRow(r["stem"], r["part"], int(r["group"]), int(r["phash"], 16), int(r["phashMirror"], 16), r["sha256"]) for r in reader]
    bad = [r.stem for r in rows if r.part not in PARTS]
    if bad:
        raise ValueError(f"{path}: unknown part for {bad[:3]}")
    return rows


def parts(path: Path = SPLIT_FILE) -> dict[str, str]:
    """stem -> part, from the committed file."""
    return {r.stem: r.part for r in read_split(path)}


def check_split(rows: list[SplitRow], photos: dict[str, list[Annotation]], root: Path | None = REAL) -> list[str]:
    """What is wrong with the committed split against the data (empty: nothing). With `root`, every photo's
    sha256 is checked too: the split was drawn on exactly these files."""
    problems = []
    stems = [r.stem for r in rows]
    if len(set(stems)) != len(stems):
        problems.append("a photo is listed twice")
    missing, extra = set(photos) - set(stems), set(stems) - set(photos)
    if missing:
        problems.append(f"{len(missing)} photos of the data set are not in the split, e.g. {sorted(missing)[:3]}")
    if extra:
        problems.append(f"{len(extra)} photos of the split are not in the data set, e.g. {sorted(extra)[:3]}")
    by_group: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        by_group[r.group].add(r.part)
    straddling = [g for g, p in by_group.items() if len(p) > 1]
    if straddling:
        problems.append(f"{len(straddling)} groups straddle parts, e.g. {straddling[:3]}")
    # no pair of photos in different parts is within the hash distance (what the groups are for)
    a = np.array([r.phash for r in rows], dtype=np.uint64)
    m = np.array([r.phash_mirror for r in rows], dtype=np.uint64)
    part = np.array([r.part for r in rows])
    for i in range(len(rows)):
        d = np.minimum(hamming(a[i], a), hamming(m[i], a))
        near = (d <= PHASH_MAX_DISTANCE) & (part != part[i])
        if near.any():
            j = int(np.nonzero(near)[0][0])
            problems.append(f"{rows[i].stem} ({rows[i].part}) and {rows[j].stem} ({rows[j].part}) are {int(d[j])} bits apart")
            break
    if root is not None:
        changed = [r.stem for r in rows if r.stem in photos and hashlib.sha256(image_path(r.stem, root).read_bytes()).hexdigest()[:SHA_CHARS] != r.sha256]
        if changed:
            problems.append(f"{len(changed)} photos differ from the ones the split was drawn on, e.g. {changed[:3]}")
    return problems


def summary(rows: list[SplitRow], photos: dict[str, list[Annotation]]) -> dict[str, dict]:
    out = {}
    for p in PARTS:
        sel = [r for r in rows if r.part == p]
        faces = Counter(LABELS[a.label] for r in sel for a in photos.get(r.stem, []))
        out[p] = {"photos": len(sel), "groups": len({r.group for r in sel}), "faces": sum(faces.values()), **{k: faces[k] for k in LABELS}}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="hash every photo and write the split (only when the data set changes)")
    ap.add_argument("--out", type=Path, default=SPLIT_FILE)
    args = ap.parse_args(argv)
    photos = load_annotations()
    if args.write:
        rows = make_split()
        write_split(rows, args.out)
        print(f"realsplit: wrote {args.out}", file=sys.stderr)
    rows = read_split(args.out)
    problems = check_split(rows, photos)
    sizes = Counter(Counter(r.group for r in rows).values())
    print(f"realsplit: {len(rows)} photos, {len({r.group for r in rows})} groups (sizes {dict(sorted(sizes.items()))})", file=sys.stderr)
    for p, s in summary(rows, photos).items():
        print(f"  {p}: {s}", file=sys.stderr)
    for msg in problems:
        print(f"realsplit: PROBLEM: {msg}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
