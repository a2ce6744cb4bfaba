"""Dataset index, grouped split and augmentation.

Labels (in this order): mask, no_mask, incorrect.
- face-mask/with_mask -> mask, face-mask/without_mask -> no_mask
- mask-worn-incorrectly/correct -> mask, mask-worn-incorrectly/incorrect -> incorrect
Groups (see groups.py) keep exact duplicates, near duplicates and augmented copies on one side of the 80/20 split,
which is drawn per class over whole groups with a fixed seed.
Training reads the face crops made by the vision package (crops.py), not the raw images.
"""
from __future__ import annotations

import io
import json
import math
import random
import sys
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFilter

from . import groups as G
from .paths import CACHE, CROP_SIZE, DATASETS, LABELS

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
SOURCES = [
    ("face-mask/with_mask", "mask"),
    ("face-mask/without_mask", "no_mask"),
    ("mask-worn-incorrectly/correct", "mask"),
    ("mask-worn-incorrectly/incorrect", "incorrect"),
]
INDEX_VERSION = 1


@dataclass
class Item:
    path: str  # absolute
    rel: str  # relative to datasets/
    label: int
    group: int
    sha256: str


def _is_image(p: Path) -> bool:
    suffix = p.suffix.lower()
    return p.is_file() and (suffix in IMAGE_EXT or suffix.startswith(".jpg"))


def all_image_paths() -> list[str]:
    return [str(p) for p in _list_files()[0]]


def _list_files() -> tuple[list[Path], list[int]]:
    paths, labels = [], []
    for folder, label in SOURCES:
        for p in sorted((DATASETS / folder).iterdir()):
            if _is_image(p):
                paths.append(p)
                labels.append(LABELS.index(label))
    return paths, labels


def build_index(cache: bool = True) -> list[Item]:
    """All images with their label and group id; cached in models/.cache/index.json (about 40 s to build)."""
    cache_file = CACHE / "index.json"
    paths, labels = _list_files()
    if cache and cache_file.exists():
        data = json.loads(cache_file.read_text())
        if data.get("version") == INDEX_VERSION and data.get("datasets") == str(DATASETS) and len(data["items"]) == len(paths):
            return [Item(**it) for it in data["items"]]
    rels = [str(p.relative_to(DATASETS)) for p in paths]
    uf = G.UnionFind(len(paths))
    stats: Counter = Counter()
    # 1. exact duplicates
    shas = [G.sha256_file(p) for p in paths]
    first: dict[str, int] = {}
    for i, s in enumerate(shas):
        if s in first:
            uf.union(first[s], i)
            stats["exactDuplicates"] += 1
        else:
            first[s] = i
    # 2. near-duplicate groups
    by_rel = {r: i for i, r in enumerate(rels)}
    for grp in G.near_duplicate_groups(DATASETS / "face-mask" / "NEAR_DUPLICATE_GROUPS.json"):
        idx = [by_rel["face-mask/" + r] for r in grp if "face-mask/" + r in by_rel]
        stats["nearDuplicateGroups"] += 1
        for j in idx[1:]:
            uf.union(idx[0], j)
    # 3. augmented copies in without_mask
    wm = [i for i, r in enumerate(rels) if r.startswith("face-mask/without_mask/")]
    is_aug = [paths[i].name.startswith("augmented_image_") for i in wm]
    to_src, to_aug = G.link_augmented([paths[i] for i in wm], is_aug)
    for a, b, _ in to_src + to_aug:
        uf.union(wm[a], wm[b])
    stats["augmented"] = sum(is_aug)
    stats["augmentedLinkedToSource"] = len({a for a, _, _ in to_src})
    roots = {}
    items = []
    for i, p in enumerate(paths):
        g = roots.setdefault(uf.find(i), len(roots))
        items.append(Item(str(p), rels[i], labels[i], g, shas[i]))
    # a group must hold one class; it does for these data sets (README), check it anyway
    by_group = defaultdict(set)
    for it in items:
        by_group[it.group].add(it.label)
    mixed = [g for g, ls in by_group.items() if len(ls) > 1]
    stats["mixedClassGroups"] = len(mixed)
    stats["groups"] = len(roots)
    print(f"index: {len(items)} images, {dict(stats)}", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps({"version": INDEX_VERSION, "datasets": str(DATASETS), "stats": stats, "items": [asdict(it) for it in items]}))
    return items


def grouped_split(items: list[Item], val_fraction: float = 0.2, seed: int = 1234) -> tuple[list[Item], list[Item]]:
    """Per class, shuffle whole groups with a fixed seed and move them to validation until it holds val_fraction of
    that class's images. A group's class is its majority label (groups are single-class here)."""
    groups: dict[int, list[Item]] = defaultdict(list)
    for it in items:
        groups[it.group].append(it)
    rng = random.Random(seed)
    val_groups: set[int] = set()
    for label in range(len(LABELS)):
        gids = sorted(g for g, its in groups.items() if Counter(i.label for i in its).most_common(1)[0][0] == label)
        rng.shuffle(gids)
        total = sum(len(groups[g]) for g in gids)
        taken = 0
        for g in gids:
            if taken >= val_fraction * total:
                break
            val_groups.add(g)
            taken += len(groups[g])
    train = [it for it in items if it.group not in val_groups]
    val = [it for it in items if it.group in val_groups]
    return train, val


# --- loading crops ---

def load_crops(items: list[Item], crops: dict[str, dict], size: int = CROP_SIZE) -> np.ndarray:
    """uint8 [N, H, W, 3] crops of the items, in order."""
    out = np.empty((len(items), size, size, 3), np.uint8)
    for k, it in enumerate(items):
        im = Image.open(crops[it.path]["crop"]).convert("RGB")
        if im.size != (size, size):
            raise ValueError(f"crop of {it.path} is {im.size}, expected {size}x{size}")
        out[k] = np.asarray(im)
    return out


def normalize(x_uint8: torch.Tensor) -> torch.Tensor:
    """[N,3,H,W] uint8 (or 0..255 float) RGB -> the classifier input x/127.5 - 1."""
    return x_uint8.float() / 127.5 - 1.0


def to_nchw(arr: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(arr.transpose(0, 3, 1, 2)))


# --- augmentation ---
# Two stages: per-image PIL ops that do not vectorise (occlusion, downscale-upscale to a 16-72 px face, blur, low
# light, sensor noise, JPEG recompression), then per-batch torch ops (flip, rotation, scale, side-on squeeze and
# shear, shift with clamp-to-edge like the crop sampler, colour).

@dataclass
class AugConfig:
    p_jpeg: float = 0.45
    jpeg_quality: tuple[int, int] = (15, 75)
    # scene scale (issue 7): a 128 crop made from a face this many pixels wide (the crop is 1.3x the face), for every
    # class; the side is drawn log-uniformly so that 16-30 px faces are as common as 30-64 px ones
    p_lowres: float = 0.55
    lowres_face: tuple[int, int] = (16, 72)
    p_blur: float = 0.25
    blur_radius: tuple[float, float] = (0.3, 1.6)
    p_noise: float = 0.25
    noise_sigma: tuple[float, float] = (2.0, 10.0)
    p_dark: float = 0.2  # low light: gain, gamma and sensor noise
    p_occlude: float = 0.15  # a block over the top or a side of the face (hat, hair, another head); never the lower middle
    p_flip: float = 0.5
    rotate_deg: float = 20.0
    scale: tuple[float, float] = (0.85, 1.2)
    shift: float = 0.08
    # side-on faces: horizontal squeeze (yaw) and shear, with the face off-centre in its crop
    p_side: float = 0.3
    side_squeeze: tuple[float, float] = (0.7, 1.0)
    shear: float = 0.15
    brightness: float = 0.35
    contrast: float = 0.35
    saturation: float = 0.4
    p_gray: float = 0.08
    # extra degradation for the synthetic MaskedFace-Net crops (sharp, studio-quality FFHQ faces): without it the
    # model can learn "sharp face -> mask/incorrect", since every sharp face it sees during training is synthetic
    p_domain: float = 0.0
    domain_side: tuple[int, int] = (36, 96)


def augment_image(img: np.ndarray, rng: random.Random, cfg: AugConfig = AugConfig(), synthetic: bool = False) -> np.ndarray:
    """One HxWx3 uint8 crop -> same shape uint8: scene degradations (scale, blur, low light, noise, occlusion,
    JPEG) in the order a camera applies them."""
    h, w = img.shape[:2]
    im = Image.fromarray(img)
    if synthetic and rng.random() < cfg.p_domain:
        side = rng.randint(*cfg.domain_side)
        im = im.resize((side, side), Image.BILINEAR).resize((w, h), Image.BILINEAR)
    if rng.random() < cfg.p_occlude:
        im = _occlude(im, rng)
    if rng.random() < cfg.p_lowres:
        lo, hi = cfg.lowres_face
        face = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        side = max(4, round(face * 1.3))
        down = rng.choice([Image.BILINEAR, Image.BOX, Image.NEAREST])
        im = im.resize((side, side), down).resize((w, h), Image.BILINEAR)
    if rng.random() < cfg.p_blur:
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(*cfg.blur_radius)))
    dark, noisy = rng.random() < cfg.p_dark, rng.random() < cfg.p_noise
    if dark or noisy:
        x = np.asarray(im, np.float32) / 255.0
        if dark:
            x = (x ** rng.uniform(1.1, 1.6)) * rng.uniform(0.25, 0.6)
        sigma = rng.uniform(*cfg.noise_sigma) if noisy or dark else 0.0
        x = x * 255.0 + np.random.default_rng(rng.getrandbits(32)).normal(0, sigma, x.shape)
        im = Image.fromarray(np.clip(np.rint(x), 0, 255).astype(np.uint8))
    if rng.random() < cfg.p_jpeg:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=rng.randint(*cfg.jpeg_quality))
        buf.seek(0)
        im = Image.open(buf).convert("RGB")
    return np.asarray(im)


def _occlude(im: Image.Image, rng: random.Random) -> Image.Image:
    """A flat or noisy block over the top band or one side of the crop (the face is the central 1/1.3): it hides
    hair, forehead or a cheek, never the nose-mouth-chin middle that carries the label."""
    w, h = im.size
    im = im.copy()
    draw = ImageDraw.Draw(im)
    colour = tuple(rng.randint(0, 255) for _ in range(3))
    where = rng.choice(["top", "left", "right"])
    if where == "top":
        box = (0, 0, w, round(h * rng.uniform(0.15, 0.35)))
    elif where == "left":
        box = (0, round(h * rng.uniform(0, 0.3)), round(w * rng.uniform(0.12, 0.3)), h)
    else:
        box = (w - round(w * rng.uniform(0.12, 0.3)), round(h * rng.uniform(0, 0.3)), w, h)
    draw.rectangle(box, fill=colour)
    return im


def augment_batch(x: torch.Tensor, gen: torch.Generator, cfg: AugConfig = AugConfig()) -> torch.Tensor:
    """[N,3,H,W] float 0..255 -> same shape, 0..255. Geometry samples with border padding (clamp to edge)."""
    n = x.shape[0]
    u = lambda *shape: torch.rand(*shape, generator=gen)  # noqa: E731
    ang = (u(n) * 2 - 1) * cfg.rotate_deg * torch.pi / 180
    sc = cfg.scale[0] + u(n) * (cfg.scale[1] - cfg.scale[0])
    flip = torch.where(u(n) < cfg.p_flip, -1.0, 1.0)
    tx, ty = (u(n) * 2 - 1) * cfg.shift * 2, (u(n) * 2 - 1) * cfg.shift * 2
    # side-on: the face narrower (sampling x stretched by 1/squeeze), sheared, and pushed off-centre
    side = u(n) < cfg.p_side
    squeeze = torch.where(side, cfg.side_squeeze[0] + u(n) * (cfg.side_squeeze[1] - cfg.side_squeeze[0]), torch.ones(n))
    shear = torch.where(side, (u(n) * 2 - 1) * cfg.shear, torch.zeros(n))
    tx = torch.where(side, tx + (u(n) * 2 - 1) * 0.15, tx)
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos * flip / squeeze, -sin + shear, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    # colour: brightness, contrast, saturation, sometimes grey
    gray = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).unsqueeze(1)
    sat = 1 + (u(n, 1, 1, 1) * 2 - 1) * cfg.saturation
    sat = torch.where(u(n, 1, 1, 1) < cfg.p_gray, torch.zeros_like(sat), sat)
    x = gray + (x - gray) * sat
    mean = x.mean((1, 2, 3), keepdim=True)
    x = mean + (x - mean) * (1 + (u(n, 1, 1, 1) * 2 - 1) * cfg.contrast)
    x = x * (1 + (u(n, 1, 1, 1) * 2 - 1) * cfg.brightness)
    return x.clamp(0, 255)


class CropDataset(torch.utils.data.Dataset):
    """uint8 crops in memory; train mode applies the per-image augmentation (batch stage runs in the loop)."""

    def __init__(self, crops: np.ndarray, labels: list[int], train: bool, seed: int = 0, cfg: AugConfig = AugConfig(), synthetic: list[bool] | None = None):
        self.crops, self.labels, self.train, self.cfg = crops, torch.tensor(labels), train, cfg
        self.synthetic = synthetic or [False] * len(labels)
        self.rng = random.Random(seed)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int):
        img = self.crops[i]
        if self.train:
            img = augment_image(img, self.rng, self.cfg, self.synthetic[i])
        return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))), self.labels[i]


def main(argv=None) -> int:
    """Print the index and split statistics."""
    items = build_index()
    train, val = grouped_split(items)
    for name, part in (("train", train), ("val", val)):
        c = Counter(LABELS[i.label] for i in part)
        print(f"{name}: {len(part)} images, {len({i.group for i in part})} groups, {dict(c)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
