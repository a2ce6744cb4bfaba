"""The transplant on one picture: a real mask region lands below the eyes of a real unmasked face, the eyes stay."""
import random

import numpy as np
from PIL import Image

from maskwatch_models import crops as C
from maskwatch_models import data as D
from maskwatch_models import transplant as T


def test_similarity_recovers_a_known_transform():
    rng = np.random.default_rng(0)
    src = rng.uniform(0, 100, (5, 2))
    a = np.deg2rad(12)
    m = np.array([[1.3 * np.cos(a), -1.3 * np.sin(a), 7], [1.3 * np.sin(a), 1.3 * np.cos(a), -4]])
    dst = src @ m[:, :2].T + m[:, 2]
    assert np.allclose(T.similarity(src, dst), m, atol=1e-9)


def test_transplant_on_one_picture():
    train, _ = D.grouped_split(D.build_index())
    det = C.YuNet()
    rng = random.Random(5)
    # many without_mask pictures are tight face crops (no room below the chin): a seeded sample finds one with room
    bare = [i.path for i in train if i.rel.startswith("face-mask/without_mask/")]
    bare = T._faces(random.Random(0).sample(bare, 300), det, 1, rng, room_below=0.15)
    masked = T._faces([i.path for i in train if i.rel.startswith("face-mask/with_mask/")][:40], det, 6, rng)
    assert bare and masked
    path, box, lm = bare[0]
    target = np.asarray(Image.open(path).convert("RGB"))
    out = None
    for sp, _, slm in masked:
        out = T.transplant(target, lm, np.asarray(Image.open(sp).convert("RGB")), slm, random.Random(1))
        if out is not None:
            break
    assert out is not None
    img, info = out
    assert img.shape == target.shape and img.dtype == np.uint8 and info["style"] in ("below nose", "on chin")
    diff = np.abs(img.astype(int) - target).sum(2) > 0
    eye_y = lm[:2, 1].mean()
    mouth_y = lm[3:, 1].mean()
    # nothing changes above the eyes (with a margin for the tilt); a good part of the lower face does
    top = int(max(0, eye_y - 0.2 * (mouth_y - eye_y)))
    assert not diff[:top].any()
    assert diff[int(mouth_y) :].mean() > 0.05
    crop = C.crop_square(img, C.face_square(box))
    assert crop.shape == (128, 128, 3)
