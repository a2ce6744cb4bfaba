"""Detector recall on the real scenes per face-size band, at several detector settings (issue 14).

    python -m maskwatch_models.detsweep [--out models/report/detector.json] [--smoke]

Each setting is one run of the TypeScript crops command with --boxes-only (YuNet as `detect` and live analysis
run it) over every photo of the real-scene split, recording detections down to score 0.3; recall and precision
at each score threshold follow from the scores. Annotated faces are matched as in realcrops.py (IoU >= 0.4).
Settings are compared on the train and val parts (the detector is not trained, but a default chosen on the test
part would flatter it); the test part's figures are what the report quotes.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import realcrops as RC
from .paths import MODELS_DIR

# (name, --max-side, --min-face); the first is `detect`'s default
SETTINGS = [
    ("input 960, tile pass for 24 px (detect's default)", 960, 24),
    ("input 960, no tile pass", 960, 0),
    ("input 640 (live frames), no tile pass", 640, 0),
    ("input 640, tile pass for 24 px", 640, 24),
    ("input 1280", 1280, 24),
]
THRESHOLDS = (0.4, 0.5, 0.6, 0.7)
OUT = MODELS_DIR / "report" / "detector.json"


def row(setting: str, part: str, threshold: float, faces: list[RC.RealFace], unmatched: list[dict]) -> dict:
    recall, count = {}, {}
    for r in RC.recall_table(faces, threshold):
        if r["label"] == "all":
            recall[r["band"]], count[r["band"]] = round(r["recall"], 4), r["faces"]
    return {"setting": setting, "part": part, "threshold": threshold, "recall": recall, "faces": count, "precision": round(RC.precision(faces, unmatched, threshold), 4)}


def sweep(smoke: bool = False, settings=SETTINGS, thresholds=THRESHOLDS) -> list[dict]:
    rows = []
    stems = RC.smoke_stems() if smoke else None
    for name, max_side, min_face in settings:
        faces, unmatched = RC.load(128, max_side=max_side, min_face=min_face, boxes_only=True, stems=stems)
        for part, keep in (("train+val", lambda p: p != "test"), ("test", lambda p: p == "test")):
            f = [x for x in faces if keep(x.part)]
            u = [x for x in unmatched if keep(x["part"])]
            for t in thresholds:
                rows.append(row(name, part, t, f, u))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--smoke", action="store_true", help="a few photos, two settings (pipeline check)")
    args = ap.parse_args(argv)
    rows = sweep(args.smoke, SETTINGS[:2] if args.smoke else SETTINGS, (0.6,) if args.smoke else THRESHOLDS)
    key = f">= {RC.MIN_SIZE}"
    for r in rows:
        print(f"{r['part']:>9} {r['setting']:<50} t={r['threshold']} recall>=24 {r['recall'].get(key)} precision {r['precision']}", file=sys.stderr)
    out = {"default": f"{SETTINGS[0][0]}, threshold {RC.DETECT_THRESHOLD}", "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
