"""Face crops for training, made by the TypeScript vision package so that training sees what inference sees.

    npm run -s -w @maskwatch/vision crops -- --out DIR --size 128 --list LIST

writes one PNG per listed image and DIR/index.jsonl lines
{"image": path, "crop": png, "detected": bool, "box": [x1,y1,x2,y2], "score": float}.
Until packages/vision/src/cli/crops.ts exists, `python_crops` does the same in Python for development only: YuNet
through onnxruntime with the TS FaceDetector's input plan, decode and NMS, and the TS `cropFace` sampling.
The tool that made a crop folder is recorded in DIR/tool.txt; a Python-made folder is remade once the TS command
appears.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from .paths import CROP_SIZE, REPO_ROOT, YUNET

TS_CLI = REPO_ROOT / "packages" / "vision" / "src" / "cli" / "crops.ts"
MARGIN = 0.15


def ts_available() -> bool:
    return TS_CLI.exists() and shutil.which("npm") is not None


# --- Python fallback (mirrors packages/vision/src/image/sampleBilinear.ts and detect/FaceDetector.ts) ---

def sample_bilinear(src: np.ndarray, x0: float, y0: float, step_x: float, step_y: float, out_w: int, out_h: int) -> np.ndarray:
    """Pixel centres, clamp to edge, rounded half up: the TS `sampleBilinear` kernel."""
    h, w = src.shape[:2]
    x = np.clip(x0 + (np.arange(out_w) + 0.5) * step_x - 0.5, 0, w - 1)
    y = np.clip(y0 + (np.arange(out_h) + 0.5) * step_y - 0.5, 0, h - 1)
    xi, yi = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    xb, yb = np.minimum(xi + 1, w - 1), np.minimum(yi + 1, h - 1)
    fx, fy = (x - xi)[None, :, None], (y - yi)[:, None, None]
    s = src.astype(np.float64)
    top = s[yi][:, xi] + (s[yi][:, xb] - s[yi][:, xi]) * fx
    bottom = s[yb][:, xi] + (s[yb][:, xb] - s[yb][:, xi]) * fx
    return np.floor(top + (bottom - top) * fy + 0.5).astype(np.uint8)


def resize_bilinear(src: np.ndarray, out_w: int, out_h: int) -> np.ndarray:
    h, w = src.shape[:2]
    return sample_bilinear(src, 0, 0, w / out_w, h / out_h, out_w, out_h)


def crop_square(rgb: np.ndarray, square: tuple[float, float, float, float], size: int = CROP_SIZE) -> np.ndarray:
    x1, y1, x2, _ = square
    step = (x2 - x1) / size
    return sample_bilinear(rgb, x1, y1, step, step, size, size)


def face_square(box, margin: float = MARGIN):
    x1, y1, x2, y2 = box
    side = max(x2 - x1, y2 - y1) * (1 + 2 * margin)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)


def centred_square(w: int, h: int):
    s = min(w, h)
    return ((w - s) / 2, (h - s) / 2, (w - s) / 2 + s, (h - s) / 2 + s)


class YuNet:
    def __init__(self, path: Path = YUNET, score_threshold: float = 0.3, nms_iou: float = 0.3):  # the crops CLI uses 0.3
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.score_threshold, self.nms_iou = score_threshold, nms_iou

    @staticmethod
    def plan(w: int, h: int, min_side=320, max_up=4.0, max_side=960):
        shorter, longer = min(w, h), max(w, h)
        scale = 1.0
        if longer > max_side:
            scale = max_side / longer
        elif shorter < min_side:
            scale = min(min_side / shorter, max_up, max_side / longer)
        sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
        return sw, sh, math.ceil(sw / 32) * 32, math.ceil(sh / 32) * 32

    def detect(self, rgb: np.ndarray) -> list[tuple[list[float], float]]:
        return [(box, score) for box, score, _ in self.detect_landmarks(rgb)]

    def detect_landmarks(self, rgb: np.ndarray) -> list[tuple[list[float], float, np.ndarray]]:
        """Faces best first: box, score and YuNet's five landmarks [5, 2] (right eye, left eye, nose tip, right and
        left mouth corners, in the picture's pixels)."""
        h, w = rgb.shape[:2]
        sw, sh, pw, ph = self.plan(w, h)
        scaled = resize_bilinear(rgb, sw, sh)
        x = np.zeros((1, 3, ph, pw), np.float32)
        x[0, :, :sh, :sw] = scaled[:, :, ::-1].transpose(2, 0, 1)  # BGR, 0..255
        out = dict(zip(self.output_names, self.session.run(None, {self.input_name: x})))
        faces = []
        for s in (8, 16, 32):
            cols, rows = pw // s, ph // s
            cls = np.clip(out[f"cls_{s}"].reshape(-1), 0, 1)
            obj = np.clip(out[f"obj_{s}"].reshape(-1), 0, 1)
            bb = out[f"bbox_{s}"].reshape(-1, 4)
            kps = out[f"kps_{s}"].reshape(-1, 10) if f"kps_{s}" in out else np.zeros((len(bb), 10), np.float32)
            score = np.sqrt(cls * obj)
            for i in np.nonzero(score >= self.score_threshold)[0]:
                row, col = divmod(int(i), cols)
                cx, cy = (col + bb[i, 0]) * s, (row + bb[i, 1]) * s
                bw, bh = math.exp(bb[i, 2]) * s, math.exp(bb[i, 3]) * s
                lm = (kps[i].reshape(5, 2) + np.array([col, row])) * s
                faces.append(([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], float(score[i]), lm))
        faces.sort(key=lambda f: -f[1])
        kept: list[tuple[list[float], float, np.ndarray]] = []
        for face in faces:
            if all(_iou(face[0], k[0]) <= self.nms_iou for k in kept):
                kept.append(face)
        sx, sy = w / sw, h / sh
        return [([b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy], sc, lm * np.array([sx, sy])) for b, sc, lm in kept]


def _iou(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def python_crops(images: list[str], out_dir: Path, size: int = CROP_SIZE, progress: bool = True) -> None:
    from tqdm import tqdm

    det = YuNet()
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "index.jsonl", "w") as index:
        for path in tqdm(images, desc="crops (python fallback)", file=sys.stderr, disable=not progress):
            rgb = np.asarray(Image.open(path).convert("RGB"))
            faces = det.detect(rgb)
            if faces:
                box, score = faces[0]
                crop = crop_square(rgb, face_square(box), size)
            else:
                h, w = rgb.shape[:2]
                box, score = list(centred_square(w, h)), 0.0
                crop = crop_square(rgb, box, size)
            png = out_dir / (hashlib.sha1(path.encode()).hexdigest()[:16] + ".png")
            Image.fromarray(crop).save(png)
            index.write(json.dumps({"image": path, "crop": str(png), "detected": bool(faces), "box": [float(v) for v in box], "score": score}) + "\n")


def ts_crops(images: list[str], out_dir: Path, size: int = CROP_SIZE) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    lst = out_dir / "list.txt"
    lst.write_text("\n".join(images) + "\n")
    cmd = ["npm", "run", "-s", "-w", "@maskwatch/vision", "crops", "--", "--out", str(out_dir), "--size", str(size), "--list", str(lst)]
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=REPO_ROOT, check=True)


def read_index(out_dir: Path) -> dict[str, dict]:
    recs = {}
    with open(out_dir / "index.jsonl") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                crop = Path(r["crop"])
                if not crop.is_absolute():  # relative to the crop folder or to the repo root, whichever exists
                    crop = out_dir / crop if (out_dir / crop).exists() else REPO_ROOT / crop
                r["crop"] = str(crop)
                recs[r["image"]] = r
    return recs


def ensure_crops(images: list[str], out_dir: Path, size: int = CROP_SIZE, tool: str = "auto") -> dict[str, dict]:
    """Crops for `images` (absolute paths), reusing out_dir when it already covers them with the preferred tool."""
    want = tool if tool != "auto" else ("ts" if ts_available() else "python")
    tool_file = out_dir / "tool.txt"
    if (out_dir / "index.jsonl").exists() and tool_file.exists() and tool_file.read_text().strip() == f"{want} {size}":
        recs = read_index(out_dir)
        if all(i in recs for i in images):
            return recs
    if out_dir.exists():
        shutil.rmtree(out_dir)
    if want == "ts":
        ts_crops(images, out_dir, size)
    else:
        print("crops: packages/vision/src/cli/crops.ts not found, using the Python fallback (development only)", file=sys.stderr)
        python_crops(images, out_dir, size)
    tool_file.write_text(f"{want} {size}\n")
    recs = read_index(out_dir)
    missing = [i for i in images if i not in recs]
    if missing:
        raise RuntimeError(f"crop tool left out {len(missing)} images, e.g. {missing[:3]}")
    return recs


def main(argv=None) -> int:
    import argparse

    from .data import all_image_paths
    from .paths import CACHE

    ap = argparse.ArgumentParser(description="make (or reuse) the training face crops")
    ap.add_argument("--tool", choices=["auto", "ts", "python"], default=os.environ.get("MASKWATCH_CROPS_TOOL", "auto"))
    ap.add_argument("--out", default=str(CACHE / "crops"))
    args = ap.parse_args(argv)
    recs = ensure_crops(all_image_paths(), Path(args.out), CROP_SIZE, args.tool)
    det = sum(r["detected"] for r in recs.values())
    print(f"crops: {len(recs)} images, face found in {det} ({det / max(1, len(recs)):.1%})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
