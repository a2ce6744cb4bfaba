"""The scene-like validation builder, on a few validation images: deterministic, boxes inside the picture, faces at
the sizes asked, only validation pictures."""
import json
import random

import numpy as np
import pytest

from maskwatch_models import crops as C
from maskwatch_models import data as D
from maskwatch_models import scenes as S


@pytest.fixture(scope="module")
def few(tmp_path_factory):
    items = D.build_index()
    train, val = D.grouped_split(items)
    sub = [i for c in range(3) for i in [v for v in val if v.label == c][:3]]
    recs = C.ensure_crops([i.path for i in sub], tmp_path_factory.mktemp("crops"), tool="python")
    return train, sub, recs


def test_render_face_is_the_crop_size_deterministic_and_loses_detail_with_size():
    rng = np.random.default_rng(0)
    crop = rng.integers(0, 256, (128, 128, 3), dtype=np.uint8)
    a, cond = S.render_face(crop, 20, random.Random("x"))
    b, _ = S.render_face(crop, 20, random.Random("x"))
    assert a.shape == crop.shape and a.dtype == np.uint8 and cond["size"] == 20 and "jpeg" in cond
    assert np.array_equal(a, b)
    big, _ = S.render_face(crop, 64, random.Random("y"))
    # a 20 px face keeps less of the noise pattern's high frequencies than a 64 px one
    hf = lambda x: np.abs(np.diff(x.astype(float), axis=1)).mean()  # noqa: E731
    assert hf(a) < hf(big) < hf(crop)


def test_match_is_greedy_by_score_with_an_iou_floor():
    gt = [[0, 0, 10, 10], [20, 20, 30, 30], [50, 50, 60, 60]]
    det = [([21, 21, 31, 31], 0.9), ([0, 0, 10, 10], 0.5), ([0, 1, 10, 11], 0.8), ([80, 80, 90, 90], 0.99)]
    assert S.match(gt, det) == [2, 0, None]


def test_builder_on_a_few_images(tmp_path, few):
    train, val, recs = few
    params = S.Params(seed=3, repeats=2, per_scene=4)
    out1 = S.build(params, tmp_path / "a", val=val, recs=recs, crops_tool="python")
    out2 = S.build(params, tmp_path / "b", val=val, recs=recs, crops_tool="python")
    faces = [i for i in val if recs[i.path]["detected"]]
    # renders: every face at every size, the same pixels both times
    r1, r2 = np.load(out1 / "renders.npz")["crops"], np.load(out2 / "renders.npz")["crops"]
    assert r1.shape == (len(faces) * 4, 128, 128, 3) and np.array_equal(r1, r2)
    meta = json.loads((out1 / "renders.json").read_text())
    assert sorted({m["size"] for m in meta}) == [20, 28, 40, 64]
    # composites: the same scenes both times, every pasted box inside the picture at the size asked
    s1, s2 = json.loads((out1 / "scenes.json").read_text()), json.loads((out2 / "scenes.json").read_text())
    assert [[f["box"] for f in s["faces"]] for s in s1] == [[f["box"] for f in s["faces"]] for s in s2]
    pasted = [f for s in s1 for f in s["faces"]]
    assert len(pasted) == 2 * len(faces) and all(len(s["faces"]) <= 4 for s in s1)
    for f in pasted:
        x1, y1, x2, y2 = f["box"]
        assert 0 <= x1 < x2 <= S.SCENE_W and 0 <= y1 < y2 <= S.SCENE_H
        assert abs((x2 - x1) - f["size"]) < 0.01 and f["size"] in S.SIZES
    # each face meets two different sizes; only validation pictures (no training group) go in
    by_item = {}
    for f in pasted:
        by_item.setdefault(f["item"], set()).add(f["size"])
    assert all(len(v) == 2 for v in by_item.values())
    train_groups = {i.group for i in train}
    assert not ({m["group"] for m in meta} | {f["group"] for f in pasted}) & train_groups
    # the detector finds most pasted faces of 28 px and up, and every matched crop is a 128 crop
    big = [f for f in pasted if f["size"] >= 28]
    assert sum(f["detected"] for f in big) >= 0.6 * len(big)
    s = S.samples(out1)
    assert len(s["label"]) == len(meta) + sum(f["detected"] for f in pasted)
    chunks = list(s["crops"]())
    assert sum(len(c) for c in chunks) == len(s["label"]) and chunks[-1].shape[1:] == (128, 128, 3)


def test_decide_and_summary():
    z = np.array([[3.0, 0, 0], [1.0, 0.9, 0], [0, 1, 2], [0, 2, 1]])
    assert S.decide(z).tolist() == [0, 0, 2, 1]
    # τ = 0.5 at T = 1: the second face (p(mask) ≈ 0.43) is not mask (no_mask); p(incorrect) / p(no_mask) = e on the third: r = 3 says no_mask, r = 2 incorrect
    assert S.decide(z, {"temperature": 1.0, "maskThreshold": 0.5, "incorrectRatio": 3.0}).tolist() == [0, 1, 1, 1]
    assert S.decide(z, {"temperature": 1.0, "maskThreshold": 0.5, "incorrectRatio": 2.0}).tolist() == [0, 1, 2, 1]
    y, size = np.array([0, 1, 2, 0]), np.array([64, 64, 20, 28])
    pred = np.array([0, 0, 2, 1])
    got = S.summary(y, pred, size)
    assert got == {"alertedNonCompliant": 0.0, "falselyAlertedMasked": 0.5, "accuracy": pytest.approx(1 / 3)}
