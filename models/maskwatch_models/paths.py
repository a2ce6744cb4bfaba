"""Where things live. The shared folder sits beside the repository (CI clones the repo elsewhere with shared/ beside
it), so every path is resolved from the repository root, never from the working directory."""
from __future__ import annotations

import os
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = MODELS_DIR.parent
SHARED = Path(os.environ.get("MASKWATCH_SHARED", REPO_ROOT.parent / "shared")).resolve()
DATASETS = SHARED / "datasets"
BACKBONE_DIR = SHARED / "models" / "backbones" / "mobilenet_v2"
TFLITE = BACKBONE_DIR / "mobilenet_v2_1.0_224_quant.tflite"
YUNET = SHARED / "models" / "face-detectors" / "yunet" / "face_detection_yunet_2026may.onnx"
CACHE = MODELS_DIR / ".cache"
RUNS = MODELS_DIR / "runs"
ONNX_DIR = MODELS_DIR / "onnx"
MANIFEST = MODELS_DIR / "manifest.json"

LABELS = ["mask", "no_mask", "incorrect"]
CROP_SIZE = 128


def repo_relative(p: Path) -> str:
    """Path relative to the repository root, with '..' where it leaves it (for ../shared/...)."""
    return os.path.relpath(Path(p).resolve(), REPO_ROOT)
