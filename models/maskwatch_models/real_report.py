"""The report's real-scene sections (issue 14): the classifiers on the real TEST part (per class, per face-size band,
confusion matrices, the alert pair beside the composite and clean figures, the worst mistakes), and detector
recall per size band at the settings measured by detsweep.py.

The test part is read here and nowhere else: nothing is chosen on it.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import plots
from . import realcrops as RC
from .export import ort_logits, session
from .metrics import confusion_matrix
from .paths import LABELS, REPO_ROOT
from .scenes import decide

SHEET_FACES = 24  # worst mistakes on the contact sheet (small: derived images of photos that are not ours to publish)
SHEET_THUMB = 64


def _pct(v: float | None) -> str:
    return "-" if v is None or v != v else f"{v * 100:.1f}"


def test_logits(manifest: dict, names: list[str], smoke: bool = False) -> tuple[list[RC.RealFace], dict[str, np.ndarray]]:
    """Each classifier's logits on the test part's classifier faces (24 px and up, found at 0.6)."""
    faces: list[RC.RealFace] = []
    out = {}
    for n in names:
        m = manifest["models"][n]
        faces = RC.classifier_faces("test", int(m["input"]["size"][0]), smoke, min_size=RC.BANDS[0][0])
        x = RC.load_crops(faces).astype(np.float32).transpose(0, 3, 1, 2) * m["input"]["normalize"]["scale"] + m["input"]["normalize"]["offset"]
        out[n] = ort_logits(session(REPO_ROOT / m["file"]), x.astype(np.float32)) if len(faces) else np.zeros((0, len(LABELS)), np.float32)
    return faces, out


def figures(y: np.ndarray, pred: np.ndarray) -> dict:
    """The issue's figures on a set of faces: 3-class accuracy, per-class precision/recall, the alert pair."""
    conf = confusion_matrix(y, pred)
    per = {}
    for c, name in enumerate(LABELS):
        per[name] = {
            "precision": float(conf[c, c] / conf[:, c].sum()) if conf[:, c].sum() else float("nan"),
            "recall": float(conf[c, c] / conf[c].sum()) if conf[c].sum() else float("nan"),
            "faces": int(conf[c].sum()),
        }
    nc, ok = y != 0, y == 0
    return {
        "faces": int(len(y)),
        "accuracy": float((pred == y).mean()) if len(y) else float("nan"),
        "perClass": per,
        "alertedNonCompliant": float((pred[nc] != 0).mean()) if nc.any() else float("nan"),
        "falselyAlertedMasked": float((pred[ok] != 0).mean()) if ok.any() else float("nan"),
        "confusion": conf.tolist(),
    }


def contact_sheet(faces: list[RC.RealFace], z: np.ndarray, pred: np.ndarray, p: np.ndarray, out: Path) -> int:
    """The most confident mistakes on the test part, small: thumbnails of the crops the classifier saw, titled
    `true -> predicted (p)`."""
    import matplotlib.pyplot as plt
    from PIL import Image

    y = np.array([f.label for f in faces])
    wrong = np.nonzero((pred != y) & (np.array([f.size for f in faces]) >= RC.MIN_SIZE))[0]
    worst = wrong[np.argsort(-p[wrong, pred[wrong]])][:SHEET_FACES]
    if len(worst) == 0:
        return 0
    cols = 8
    rows = int(np.ceil(len(worst) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.05, rows * 1.2))
    for ax, k in zip(np.ravel(axes), range(rows * cols)):
        ax.axis("off")
        if k < len(worst):
            i = worst[k]
            thumb = Image.open(faces[i].crop).convert("RGB").resize((SHEET_THUMB, SHEET_THUMB), Image.BILINEAR)
            ax.imshow(np.asarray(thumb))
            ax.set_title(f"{LABELS[y[i]][:7]}>{LABELS[pred[i]][:7]}\n{p[i, pred[i]]:.2f} {faces[i].size:.0f}px", fontsize=5.5)
    fig.suptitle("worst mistakes on the real test part (true > predicted, probability, face px)", fontsize=7)
    fig.tight_layout(pad=0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=72)
    plt.close(fig)
    return len(worst)


def band_rows(faces: list[RC.RealFace], y: np.ndarray, pa: np.ndarray, pc: np.ndarray) -> list[str]:
    sizes = np.array([f.size for f in faces])
    lines = []
    for lo, hi, name in RC.BANDS:
        sel = (sizes >= lo) & (sizes < hi)
        for c, lab in enumerate(LABELS):
            m = sel & (y == c)
            if m.any():
                lines.append(f"| {name} | {lab} | {int(m.sum())} | {_pct((pa[m] == c).mean())} | {_pct((pc[m] == c).mean())} | {_pct((pa[m] != 0).mean())} | {_pct((pc[m] != 0).mean())} |")
    return lines


def section(manifest: dict, report_dir: Path, smoke: bool = False, composites: dict | None = None) -> tuple[list[str], dict]:
    """Markdown lines of the real-scene test section and its figures (for the README)."""
    names = [n for n, m in manifest["models"].items() if m["task"] == "classify"]
    default = manifest["default"]["classifier"]
    faces, zs = test_logits(manifest, names, smoke)
    y = np.array([f.label for f in faces], int)
    sizes = np.array([f.size for f in faces])
    big = sizes >= RC.MIN_SIZE
    op = manifest["models"][default].get("operatingPoint")
    out: dict = {"classifier": default, "models": {}}
    for n in names:
        o = manifest["models"][n].get("operatingPoint")
        out["models"][n] = {"argmax": figures(y[big], decide(zs[n][big])), "operatingPoint": figures(y[big], decide(zs[n][big], o))}
    f_op = out["models"][default]["operatingPoint"]
    f_arg = out["models"][default]["argmax"]
    pa, pc = decide(zs[default]), decide(zs[default], op)
    # end to end: every annotated non-compliant face of 24 px and up, found at 0.6 and alerted
    all_faces, _ = RC.load(int(manifest["models"][default]["input"]["size"][0]), stems=RC.smoke_stems() if smoke else None)
    ann = [f for f in all_faces if f.part == "test" and f.size >= RC.MIN_SIZE]
    nc_ann = [f for f in ann if f.label != 0]
    alerted_keys = {(f.stem, f.index) for f, p in zip(faces, pc) if p != 0}
    e2e = sum((f.stem, f.index) in alerted_keys for f in nc_ann) / max(1, len(nc_ann))
    out["endToEndAlertedNonCompliant"] = e2e
    out["detectionRecall"] = sum(f.detected() for f in ann) / max(1, len(ann))
    targets = [
        ("non-compliant faces alerted", f_op["alertedNonCompliant"], ">= 0.85", f_op["alertedNonCompliant"] >= 0.85),
        ("masked faces falsely alerted", f_op["falselyAlertedMasked"], "<= 0.03", f_op["falselyAlertedMasked"] <= 0.03),
        ("3-class accuracy", f_op["accuracy"], ">= 0.95", f_op["accuracy"] >= 0.95),
        ("incorrect recall", f_op["perClass"]["incorrect"]["recall"], ">= 0.70", f_op["perClass"]["incorrect"]["recall"] >= 0.70),
        ("detection recall (detect's defaults)", out["detectionRecall"], ">= 0.93", out["detectionRecall"] >= 0.93),
    ]
    out["targets"] = {name: {"value": v, "target": t, "met": bool(met)} for name, v, t, met in targets}
    plots.confusion(f_op["confusion"], LABELS, report_dir / "real-test-confusion.png", title=f"{default}, real test part, operating point")
    plots.confusion(f_arg["confusion"], LABELS, report_dir / "real-test-confusion-argmax.png", title=f"{default}, real test part, argmax")
    p_cal = _softmax(zs[default], op.get("temperature", 1.0) if op else 1.0)
    n_sheet = contact_sheet(faces, zs[default], pc, p_cal, report_dir / "real-test-mistakes.png")
    lines = [
        "## Real scenes: the test part (issue 14)",
        "",
        "`../shared/datasets/real-scenes/ilc2021`: real photos of streets, shops and crowds with hand-drawn face boxes,",
        "split once by perceptual-hash group into train / val / test (`models/splits/ilc2021.tsv`, `realsplit.py`).",
        f"Faces: the test part's annotated faces of {RC.MIN_SIZE} px and up (longer side of the box) that the detector",
        "finds at `detect`'s settings (YuNet, input side 960, threshold 0.6, IoU >= 0.4 with the annotation), cropped by",
        "the TypeScript `cropFace` as live analysis crops them. The operating point (T, τ, r) was chosen on the val part",
        "(`calibrate.py`); nothing here was chosen on the test part.",
        "",
        f"`{default}` at its operating point, {f_op['faces']} faces:",
        "",
        "| target | measured | goal | |",
        "|---|---|---|---|",
    ]
    for name, v, t, met in targets:
        lines.append(f"| {name} | {_pct(v)} % | {t} | {'met' if met else '**not met**'} |")
    lines += [
        "",
        f"End to end (annotated non-compliant faces of {RC.MIN_SIZE} px and up, found by the detector **and** alerted): "
        f"**{_pct(e2e)} %** of {len(nc_ann)}.",
        "",
        "| classifier | rule | faces | 3-class acc | " + " | ".join(f"{lab} P / R" for lab in LABELS) + " | non-compliant alerted | masked alerted |",
        "|---|---|---|---|" + "---|" * len(LABELS) + "---|---|",
    ]
    for n in names:
        for rule in ("argmax", "operatingPoint"):
            f = out["models"][n][rule]
            pcs = " | ".join(f"{_pct(f['perClass'][lab]['precision'])} / {_pct(f['perClass'][lab]['recall'])}" for lab in LABELS)
            lines.append(f"| {n} | {'argmax' if rule == 'argmax' else 'op. point'} | {f['faces']} | {_pct(f['accuracy'])} | {pcs} | {_pct(f['alertedNonCompliant'])} | {_pct(f['falselyAlertedMasked'])} |")
    lines += [
        "",
        f"Per face-size band (`{default}`; faces from 20 px; accuracy and alert rate in %, argmax / operating point):",
        "",
        "| face px | class | faces | acc argmax | acc op. point | alerted argmax | alerted op. point |",
        "|---|---|---|---|---|---|---|",
    ] + band_rows(faces, y, pa, pc)
    if composites:
        lines += [
            "",
            "Proxy beside reality (`" + default + "`, operating point): the same pair on the sets the pipeline makes itself.",
            "",
            "| set | faces | 3-class acc | non-compliant alerted | masked alerted |",
            "|---|---|---|---|---|",
            f"| real test part ({RC.MIN_SIZE} px and up) | {f_op['faces']} | {_pct(f_op['accuracy'])} % | {_pct(f_op['alertedNonCompliant'])} % | {_pct(f_op['falselyAlertedMasked'])} % |",
        ]
        for name, c in composites.items():
            lines.append(f"| {name} | {c['faces']} | {_pct(c['accuracy'])} % | {_pct(c['alertedNonCompliant'])} % | {_pct(c['falselyAlertedMasked'])} % |")
    lines += [
        "",
        "| operating point | argmax |",
        "|---|---|",
        "| ![real test confusion](report/real-test-confusion.png) | ![real test confusion, argmax](report/real-test-confusion-argmax.png) |",
        "",
    ]
    if n_sheet:
        lines += [
            f"The {n_sheet} most confident mistakes ({RC.MIN_SIZE} px and up), as the classifier saw them (64 px thumbnails of the",
            "crops; the photos themselves are not ours to publish and stay out of the repository):",
            "",
            "![worst real mistakes](report/real-test-mistakes.png)",
            "",
        ]
    return lines, out


def _softmax(z: np.ndarray, t: float) -> np.ndarray:
    from .scenes import softmax

    return softmax(z.astype(np.float64), t)


def detector_section(sweep_file: Path) -> list[str]:
    """The detector recall table written by detsweep.py (per setting, size band and part)."""
    if not sweep_file.exists():
        return ["## Detector recall on real scenes", "", f"Not measured yet: `python -m maskwatch_models.detsweep` writes `{sweep_file.name}`.", ""]
    sw = json.loads(sweep_file.read_text())
    bands = [b[2] for b in RC.BANDS] + [f">= {RC.MIN_SIZE}"]
    lines = [
        "## Detector recall on real scenes",
        "",
        "Annotated faces found by YuNet (IoU >= 0.4 with the annotated box), per face-size band, by detector setting and",
        "score threshold (`detsweep.py`). Settings are compared on the train and val parts; the test part's figures are",
        "reported, not used to choose. Precision counts every unmatched detection as false, but some are real background",
        "faces the annotators did not box (the data set README says so): read it as a lower bound.",
        "",
        f"Default now: {sw['default']}.",
        "",
    ]
    for part in ("train+val", "test"):
        lines += [f"{part}:", "", "| setting | threshold | " + " | ".join(bands) + " | precision |", "|---|---|" + "---|" * len(bands) + "---|"]
        for r in sw["rows"]:
            if r["part"] != part:
                continue
            cells = " | ".join(f"{_pct(r['recall'].get(b))} ({r['faces'].get(b, 0)})" if b == bands[-1] else _pct(r["recall"].get(b)) for b in bands)
            lines.append(f"| {r['setting']} | {r['threshold']} | {cells} | {_pct(r['precision'])} |")
        lines.append("")
    if sw.get("note"):
        lines += [sw["note"], ""]
    return lines
