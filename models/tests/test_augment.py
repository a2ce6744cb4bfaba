"""Augmentation keeps shape, dtype and range, and really changes the pictures."""
import random

import numpy as np
import torch

from maskwatch_models import data as D


def _crops(n=6):
    rng = np.random.default_rng(0)
    base = np.zeros((n, 128, 128, 3), np.uint8)
    base[:, 32:96, 32:96] = rng.integers(0, 256, (n, 1, 1, 3), dtype=np.uint8)
    return base + rng.integers(0, 30, base.shape, dtype=np.uint8)


def test_per_image_stage_keeps_shape_and_dtype():
    rng = random.Random(0)
    cfg = D.AugConfig(p_jpeg=1.0, p_lowres=1.0, p_blur=1.0)
    for img in _crops():
        out = D.augment_image(img, rng, cfg)
        assert out.shape == img.shape and out.dtype == np.uint8
        assert not np.array_equal(out, img)


def test_batch_stage_keeps_shape_and_range():
    x = D.to_nchw(_crops()).float()
    out = D.augment_batch(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and out.dtype == torch.float32
    assert out.min() >= 0 and out.max() <= 255
    assert (out - x).abs().mean() > 1.0
    norm = D.normalize(out)
    assert norm.min() >= -1 and norm.max() <= 1


def test_dataset_item_is_uint8_chw():
    ds = D.CropDataset(_crops(2), [0, 1], train=True, seed=1)
    x, y = ds[0]
    assert x.shape == (3, 128, 128) and x.dtype == torch.uint8 and int(y) == 0
