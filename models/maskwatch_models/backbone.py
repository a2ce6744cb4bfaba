"""Convert the uint8 TFLite MobileNetV2 (TF-slim, ImageNet) into a float PyTorch state_dict and check it.

    python -m maskwatch_models.backbone          # convert (cached) and run the three-image check
"""
from __future__ import annotations

import argparse
import hashlib
import sys

import numpy as np
import torch
from PIL import Image

from .nets import MobileNetV2
from .paths import BACKBONE_DIR, CACHE, TFLITE
from .tflite_reader import read_tflite

CONV_2D, DEPTHWISE_CONV_2D = 3, 4
# (image, expected top-1 label, probability the float conversion is known to give)
CHECKS = [("cat.bmp", "Egyptian cat", 0.73), ("grace_hopper.bmp", "military uniform", 0.91), ("bird.bmp", "chickadee", 0.98)]


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def convert(tflite_path=TFLITE) -> dict[str, torch.Tensor]:
    """Dequantize every conv of the TFLite graph, in operator order, into MobileNetV2(1001)."""
    m = read_tflite(str(tflite_path))
    convs = [op for op in m.operators if op.opcode in (CONV_2D, DEPTHWISE_CONV_2D)]
    net = MobileNetV2(num_classes=1001)
    targets = net.convs()
    # the last TFLite conv is the 1x1 logits conv, which becomes the Linear classifier
    assert len(convs) == len(targets) + 1, (len(convs), len(targets))
    state: dict[str, torch.Tensor] = {}
    names = {id(mod): name for name, mod in net.named_modules()}
    for op, conv in zip(convs, targets + [None]):
        w = m.tensors[op.inputs[1]].dequantize()
        b = m.tensors[op.inputs[2]].dequantize()
        if op.opcode == DEPTHWISE_CONV_2D:  # [1, kh, kw, C] -> [C, 1, kh, kw]
            w = w.transpose(3, 0, 1, 2)
        else:  # [O, kh, kw, I] -> [O, I, kh, kw]
            w = w.transpose(0, 3, 1, 2)
        if conv is None:
            state["classifier.weight"] = torch.from_numpy(np.ascontiguousarray(w[:, :, 0, 0]))
            state["classifier.bias"] = torch.from_numpy(b.copy())
            continue
        assert tuple(conv.weight.shape) == w.shape, (names[id(conv)], conv.weight.shape, w.shape)
        state[names[id(conv)] + ".weight"] = torch.from_numpy(np.ascontiguousarray(w))
        state[names[id(conv)] + ".bias"] = torch.from_numpy(b.copy())
    net.load_state_dict(state, strict=True)
    return net.state_dict()


def load_imagenet_state() -> dict[str, torch.Tensor]:
    """Float ImageNet state_dict (1001 classes), cached under models/.cache keyed by the TFLite file's sha256."""
    digest = _sha256(TFLITE)
    cached = CACHE / f"mobilenet_v2_imagenet_{digest[:12]}.pt"
    if cached.exists():
        return torch.load(cached, weights_only=True)
    state = convert()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(cached)
    return state


def imagenet_input(path) -> torch.Tensor:
    # label_image resizes the whole picture to 224x224; the uint8 input has scale 1/128, zero point 128
    img = Image.open(path).convert("RGB").resize((224, 224), Image.BILINEAR)
    x = (np.asarray(img, np.float32) - 128.0) / 128.0
    return torch.from_numpy(x).permute(2, 0, 1).unsqueeze(0)


def check(tolerance: float = 0.1) -> list[dict]:
    """Top-1 of the three reference images; raises AssertionError when the conversion is wrong."""
    labels = (BACKBONE_DIR / "imagenet_labels.txt").read_text().splitlines()
    net = MobileNetV2(num_classes=1001).eval()
    net.load_state_dict(load_imagenet_state())
    results = []
    with torch.no_grad():
        for image, want, p_ref in CHECKS:
            prob = torch.softmax(net(imagenet_input(BACKBONE_DIR / image)), 1)[0]
            top = int(prob.argmax())
            results.append({"image": image, "label": labels[top], "prob": float(prob[top]), "expected": want, "expectedProb": p_ref})
    for r in results:
        ok = r["label"] == r["expected"] and abs(r["prob"] - r["expectedProb"]) <= tolerance
        assert ok, f"backbone check failed on {r['image']}: got {r['label']} {r['prob']:.3f}, want {r['expected']} ~{r['expectedProb']}"
    return results


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    torch.set_num_threads(2)
    try:
        for r in check():
            print(f"{r['image']:18s} {r['label']:18s} {r['prob']:.3f} (expected {r['expected']} ~{r['expectedProb']})", file=sys.stderr)
    except AssertionError as e:
        print(str(e), file=sys.stderr)
        return 1
    print("backbone check ok", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
