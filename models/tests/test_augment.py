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


def test_scene_degradations_each_change_the_picture_and_keep_the_lower_middle_unoccluded():
    img = _crops(1)[0]
    for field in ("p_noise", "p_dark", "p_occlude"):
        cfg = D.AugConfig(**{**dict(p_jpeg=0, p_lowres=0, p_blur=0, p_noise=0, p_dark=0, p_occlude=0), field: 1.0})
        out = D.augment_image(img, random.Random(1), cfg)
        assert out.shape == img.shape and not np.array_equal(out, img), field
    occl = D.AugConfig(p_jpeg=0, p_lowres=0, p_blur=0, p_noise=0, p_dark=0, p_occlude=1.0)
    for seed in range(20):
        out = D.augment_image(img, random.Random(seed), occl)
        assert np.array_equal(out[90:, 40:88], img[90:, 40:88]), "the nose-mouth-chin middle stays visible"


def test_small_faces_down_to_16_px_for_every_class():
    cfg = D.AugConfig()
    assert cfg.lowres_face[0] <= 16 and cfg.p_lowres >= 0.5


def test_side_on_squeeze_changes_geometry():
    x = D.to_nchw(_crops(4)).float()
    cfg = D.AugConfig(p_side=1.0, rotate_deg=0, scale=(1, 1), shift=0, p_flip=0, brightness=0, contrast=0, saturation=0, p_gray=0)
    out = D.augment_batch(x, torch.Generator().manual_seed(0), cfg)
    assert (out - x).abs().mean() > 1.0
