"""Calibrated operating point for every classifier in the manifest. Post-hoc: no retraining.

    python -m maskwatch_models.calibrate [--manifest models/manifest.json] [--dry-run]

Chosen on the real-scene validation part (issue 14; realcrops.classifier_faces("val"): the annotated faces of the
ilc2021 val part, 24 px and up, that the detector finds at `detect`'s threshold, cropped as live analysis crops).
The test part is never read here.
1. Temperature: T minimising the negative log-likelihood of softmax(logits / T) on those faces.
2. Mask threshold τ, on the same faces: a face is "not mask" (alerted) when p(mask) < τ. The τ that alerts the
   most non-compliant faces while masked faces stay at <= MAX_FALSE - MARGIN (0.025: half a point kept for faces
   the validation part does not hold) when that reaches TARGET (0.85); else the most at <= MAX_FALSE (0.03), and
   the manifest records that the target was missed.
3. incorrect vs no_mask among alerted faces: `incorrect` when p(incorrect) >= r * p(no_mask), r maximising their
   accuracy on the alerted non-compliant faces, the two classes as common as they are in the real photos.
4. alertMinScore (the alert rule's bar on the track vote's confidence, which for a non-compliant track is the
   agreeing share times the mean 1 - p(mask)): the 5th percentile of 1 - p(mask) over the alerted non-compliant
   faces, rounded down to 0.01 and capped at the rule's default 0.6, so that the rule does not undo τ.
A two-fold check (τ and r chosen on half the validation groups, measured on the other half) is stored beside.
Writes `operatingPoint` into each classifier's manifest entry (files and sha256 untouched), and the scene-like
set's parameters (scenes.py, issue 7) that the report measures the composites with, beside the real figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from . import scenes as S
from .paths import MODELS_DIR

TARGET = 0.85
MAX_FALSE = 0.03
MARGIN = 0.005
MIN_SIZE = 24
DEFAULT_ALERT_MIN_SCORE = 0.6


def nll(z: np.ndarray, y: np.ndarray, t: float) -> float:
    p = S.softmax(z.astype(np.float64), t)
    return float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1)).mean())


def fit_temperature(z: np.ndarray, y: np.ndarray, lo: float = 0.05, hi: float = 50.0) -> float:
    """argmin_T NLL(softmax(z / T), y): a log-spaced scan, then golden-section search around the best point
    (the NLL is unimodal in log T)."""
    grid = np.exp(np.linspace(math.log(lo), math.log(hi), 81))
    k = int(np.argmin([nll(z, y, t) for t in grid]))
    a, b = math.log(grid[max(0, k - 1)]), math.log(grid[min(len(grid) - 1, k + 1)])
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = nll(z, y, math.exp(c)), nll(z, y, math.exp(d))
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = nll(z, y, math.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = nll(z, y, math.exp(d))
    return float(math.exp((a + b) / 2))


def ece(p: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error of the top label."""
    conf, pred = p.max(1), p.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for i in range(bins):
        m = (conf > edges[i]) & (conf <= edges[i + 1])
        if m.any():
            total += m.mean() * abs(conf[m].mean() - (pred[m] == y[m]).mean())
    return float(total)


def choose_tau(p_mask: np.ndarray, y: np.ndarray, target: float = TARGET, max_false: float = MAX_FALSE, margin: float = MARGIN) -> dict:
    """τ for "alert when p(mask) < τ" (see the module doc). Returns τ and its rates on these faces."""
    masked = np.sort(p_mask[y == 0])
    if len(masked) == 0 or not (y != 0).any():
        raise ValueError("need masked and non-compliant faces")

    def highest(bound: float) -> float:
        # #(masked p < τ) <= bound * n holds up to the (k+1)-th smallest masked p(mask)
        k = int(math.floor(bound * len(masked) + 1e-9))
        return float(masked[k]) if k < len(masked) else 1.0

    tau = highest(max_false - margin)
    met = rates(p_mask, y, tau)["alertedNonCompliant"] >= target
    if not met:
        tau = highest(max_false)
        met = rates(p_mask, y, tau)["alertedNonCompliant"] >= target
    return {"tau": float(tau), "targetMet": bool(met), **rates(p_mask, y, tau)}


def rates(p_mask: np.ndarray, y: np.ndarray, tau: float) -> dict:
    alerted = p_mask < tau
    return {"alertedNonCompliant": float(alerted[y != 0].mean()), "falselyAlertedMasked": float(alerted[y == 0].mean())}


def choose_ratio(p: np.ndarray, y: np.ndarray, no_mask_share: float | None = None) -> float:
    """r for "incorrect when p(incorrect) >= r * p(no_mask)", maximising the accuracy of no_mask vs incorrect on the
    given (non-compliant) faces with the classes weighted no_mask_share : 1 - no_mask_share (None: as common as
    they are among these faces, i.e. plain accuracy); ties go to the r nearest 1."""
    nm, inc = y == 1, y == 2
    if not nm.any() or not inc.any():
        return 1.0
    if no_mask_share is None:
        no_mask_share = float(nm.sum() / (nm.sum() + inc.sum()))
    lr = np.log(np.clip(p[:, 2], 1e-30, None)) - np.log(np.clip(p[:, 1], 1e-30, None))
    best, best_score = 0.0, -1.0
    for c in sorted(np.linspace(-6, 6, 241), key=abs):
        says_inc = lr >= c
        score = (1 - no_mask_share) * says_inc[inc].mean() + no_mask_share * (~says_inc[nm]).mean()
        if score > best_score + 1e-12:
            best, best_score = float(c), float(score)
    return float(round(math.exp(best), 4))


def alert_min_score(p_mask: np.ndarray, y: np.ndarray, tau: float) -> float:
    conf = 1 - p_mask[(y != 0) & (p_mask < tau)]
    if len(conf) == 0:
        return DEFAULT_ALERT_MIN_SCORE
    return float(min(DEFAULT_ALERT_MIN_SCORE, math.floor(np.quantile(conf, 0.05) * 100) / 100))


def operating_point(z: np.ndarray, y: np.ndarray, size: np.ndarray, group: np.ndarray | None = None, date: str | None = None, on: str = "real-scene validation") -> dict:
    """The whole calibration on one classifier's validation logits. With `group`, also a two-fold check: τ and r
    chosen on half of the validation groups, rates measured on the other half (the in-sample rates flatter)."""
    t = fit_temperature(z[size >= MIN_SIZE], y[size >= MIN_SIZE])
    op = _choose(z, y, size, t)
    out = {
        "temperature": round(t, 4),
        "maskThreshold": round(op["tau"], 6),
        "incorrectRatio": op["r"],
        "alertMinScore": op["alertMinScore"],
        "chosenOn": f"{on} {date or dt.date.today().isoformat()}",
        "alertedNonCompliant": round(op["alertedNonCompliant"], 4),
        "falselyAlertedMasked": round(op["falselyAlertedMasked"], 4),
        "targetMet": op["targetMet"],
        "minFaceSize": MIN_SIZE,
    }
    if group is not None:
        folds = []
        half = (group % 2) == 0
        for train in (half, ~half):
            big = (~train) & (size >= MIN_SIZE)
            try:
                o = _choose(z[train], y[train], size[train], t)
            except ValueError:  # a half without masked or non-compliant faces (smoke runs)
                continue
            pm = S.softmax(z[big], t)[:, 0]
            if (y[big] == 0).any() and (y[big] != 0).any():
                folds.append(rates(pm, y[big], o["tau"]))
        if folds:
            out["twoFold"] = {k: round(float(np.mean([f[k] for f in folds])), 4) for k in folds[0]}
    return out


def _choose(z, y, size, t) -> dict:
    big = size >= MIN_SIZE
    p = S.softmax(z[big], t)
    tau = choose_tau(p[:, 0], y[big])
    alerted_nc = (p[:, 0] < tau["tau"]) & (y[big] != 0)
    r = choose_ratio(p[alerted_nc], y[big][alerted_nc])
    return {**tau, "r": r, "alertMinScore": alert_min_score(p[:, 0], y[big], tau["tau"])}


def real_validation(manifest: dict, names: list[str], smoke: bool = False) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, int]:
    """Each classifier's logits on the real-scene validation faces, their labels, sizes, groups and count."""
    from . import realcrops as RC
    from .export import ort_logits, session
    from .paths import REPO_ROOT

    zs, faces = {}, None
    for n in names:
        m = manifest["models"][n]
        size = int(m["input"]["size"][0])
        faces = RC.classifier_faces("val", size, smoke)
        x = RC.load_crops(faces).astype(np.float32).transpose(0, 3, 1, 2) * m["input"]["normalize"]["scale"] + m["input"]["normalize"]["offset"]
        zs[n] = ort_logits(session(REPO_ROOT / m["file"]), x.astype(np.float32))
    faces = faces or []
    return zs, np.array([f.label for f in faces], int), np.array([f.size for f in faces]), np.array([f.group for f in faces], int), len(faces)


def calibrate(manifest_path: Path, write: bool = True, params: S.Params = S.Params(), smoke: bool = False) -> dict:
    manifest = json.loads(manifest_path.read_text())
    names = [n for n, m in manifest["models"].items() if m["task"] == "classify"]
    zs, y, size, group, n_faces = real_validation(manifest, names, smoke)
    date = dt.datetime.now(dt.timezone.utc).date().isoformat()
    on = f"real-scene validation (ilc2021 val part: {n_faces} annotated faces of {MIN_SIZE} px and up found by the detector at 0.6{', smoke' if smoke else ''})"
    for n in names:
        op = operating_point(zs[n], y, size, group, date, on)
        manifest["models"][n]["operatingPoint"] = op
        print(f"{n}: {json.dumps(op)}", file=sys.stderr)
    folder = S.build(params)
    # what the report rebuilds the scene-like figures from (the TypeScript side ignores this key)
    manifest["sceneValidation"] = {"params": asdict(params), "folder": str(folder.relative_to(MODELS_DIR)) if folder.is_relative_to(MODELS_DIR) else str(folder)}
    if write:
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--manifest", type=Path, default=MODELS_DIR / "manifest.json")
    ap.add_argument("--smoke", action="store_true", help="a few validation photos only (pipeline check, not a calibration)")
    ap.add_argument("--dry-run", action="store_true", help="print the operating points, do not write the manifest")
    args = ap.parse_args(argv)
    calibrate(args.manifest.resolve(), write=not args.dry_run, params=S.Params(limit=8, repeats=1) if args.smoke else S.Params(), smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
