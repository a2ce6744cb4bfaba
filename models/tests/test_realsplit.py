"""The real-scene split that stays put: the committed file covers the data set, no group or near-duplicate pair
straddles its parts, each part holds its share of every class, and the grouping links what it must."""
import io
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from maskwatch_models import realsplit as R
from maskwatch_models.paths import LABELS

pytestmark = pytest.mark.skipif(not R.REAL.exists(), reason="../shared/datasets/real-scenes/ilc2021 is not here")


def test_committed_split_covers_the_data_set_and_keeps_groups_whole():
    photos = R.load_annotations()
    rows = R.read_split()
    assert R.check_split(rows, photos) == []  # every photo once, groups whole, no close pHash pair across parts, same files
    assert {r.part for r in rows} == set(R.PARTS)


def test_each_part_holds_its_share_of_every_class():
    photos = R.load_annotations()
    summary = R.summary(R.read_split(), photos)
    total = {k: sum(s[k] for s in summary.values()) for k in LABELS}
    for part, frac in zip(R.PARTS, R.FRACTIONS):
        for k in LABELS:
            assert abs(summary[part][k] / total[k] - frac) < 0.03, (part, k, summary[part][k], total[k])


def test_the_file_describes_these_photos():
    rows = R.read_split()
    for r in rows[:: len(rows) // 3][:3]:
        d = R.describe(R.image_path(r.stem))
        assert (d.phash, d.phash_mirror, d.sha256) == (r.phash, r.phash_mirror, r.sha256), r.stem


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def test_grouping_links_copies_mirrors_and_series_but_not_strangers(tmp_path):
    rows = R.read_split()
    photos = R.load_annotations()
    # two photos of different groups with faces
    a, b = [r.stem for r in rows if photos[r.stem]][:: 200][:2]
    src = Image.open(R.image_path(a)).convert("RGB")
    w, h = src.size
    variants = {
        "a": src,
        "a-mirror": src.transpose(Image.FLIP_LEFT_RIGHT),
        "a-small-jpeg": _jpeg(src.resize((w // 2, h // 2), Image.BILINEAR), 40),
        "b": Image.open(R.image_path(b)).convert("RGB"),
    }
    ds = []
    for name, im in variants.items():
        p = tmp_path / f"{name}.png"
        im.save(p)
        ds.append(R.describe(p))
    g = R.group_photos(ds)
    assert g[0] == g[1] == g[2] != g[3]
    # the same bytes twice are one group even when the hashes are told to link nothing
    same = R.group_photos([ds[0], ds[0], ds[3]], max_distance=-1, min_cosine=2.0)
    assert same[0] == same[1] != same[2]


def test_assign_parts_is_seeded_and_stratified():
    rng = np.random.default_rng(0)
    counts = {g: np.array([rng.integers(0, 4), rng.integers(0, 3), int(rng.random() < 0.15), 1]) for g in range(600)}
    one = R.assign_parts(counts, seed=5)
    assert one == R.assign_parts(counts, seed=5)
    assert one != R.assign_parts(counts, seed=6)
    held = {p: np.sum([counts[g] for g in counts if one[g] == p], axis=0) for p in R.PARTS}
    total = np.sum(list(counts.values()), axis=0)
    for p, frac in zip(R.PARTS, R.FRACTIONS):
        assert np.all(np.abs(held[p] / total - frac) < 0.04), (p, held[p], total)
    assert Counter(one.values()).keys() == set(R.PARTS)


def test_hamming_counts_bits():
    a = np.array([0b1011, 0], dtype=np.uint64)
    b = np.array([0b0001, 2**63], dtype=np.uint64)
    assert R.hamming(a, b).tolist() == [2, 1]
