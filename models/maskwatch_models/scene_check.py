"""Sanity check on real video: the two single-label test clips in ../shared/videos (Gituatu_mask: one woman with a
mask; Gituatu_nomask: one man without). Frames at 4 fps (ffmpeg), faces by the Python YuNet crop (same crop as
packages/vision), every classifier in the manifest; the share of faces given the clip's label.
No frame is stored or shown (the clips' licence allows tests only)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from . import crops as C
from .export import ort_logits, session
from .paths import REPO_ROOT, SHARED

CLIPS = {"Gituatu_mask.mp4": "mask", "Gituatu_nomask.mp4": "no_mask"}


def frames(video: Path, fps: int = 4) -> list[np.ndarray]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-vf", f"fps={fps}", f"{tmp}/%04d.png"], check=True)
        return [np.asarray(Image.open(p).convert("RGB")) for p in sorted(Path(tmp).glob("*.png"))]


def scene_check(manifest: dict) -> dict | None:
    if shutil.which("ffmpeg") is None:
        return None
    det = C.YuNet(score_threshold=0.6)
    names = [n for n, m in manifest["models"].items() if m["task"] == "classify"]
    sessions = {n: session(REPO_ROOT / manifest["models"][n]["file"]) for n in names}
    out = {}
    for clip, label in CLIPS.items():
        path = SHARED / "videos" / clip
        if not path.exists():
            continue
        crops = []
        for f in frames(path):
            for box, _ in det.detect(f):
                crops.append(C.crop_square(f, C.face_square(box)))
        if not crops:
            continue
        x = (np.stack(crops).astype(np.float32).transpose(0, 3, 1, 2) / 127.5 - 1.0).astype(np.float32)
        res = {"faces": len(crops), "label": label}
        for n, s in sessions.items():
            labels = manifest["models"][n]["labels"]
            # the label rule the product uses: the manifest's operating point (argmax without one)
            from .scenes import decide

            pred = decide(ort_logits(s, x), manifest["models"][n].get("operatingPoint"))
            res[n] = round(float((pred == labels.index(label)).mean()), 4)
        out[clip] = res
    return out
