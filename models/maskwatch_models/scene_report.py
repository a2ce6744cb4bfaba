"""The report's "Scene-like validation" section: per face size and class, accuracy and alert rate on the clean
grouped split and on the scene-like set (scenes.py), by argmax and by the manifest's operating point; the operating
point; detection recall on the composites; a chart; the `incorrect` transplant contact sheet."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import scenes as S
from .paths import LABELS

CLEAN_BUCKETS = [(0, 28, "< 28"), (28, 40, "28-39"), (40, 64, "40-63"), (64, 1e9, ">= 64")]


def _pct(v: float) -> str:
    return "-" if v != v else f"{v * 100:.1f}"


def _rows(labels, pred_a, pred_c, sizes, names) -> list[str]:
    ta, tc = S.table(labels, pred_a, sizes, names), S.table(labels, pred_c, sizes, names)
    out = []
    for a, c in zip(ta, tc):
        out.append(f"| {a['size']} | {a['label']} | {a['faces']} | {_pct(a['accuracy'])} | {_pct(c['accuracy'])} | {_pct(a['alertRate'])} | {_pct(c['alertRate'])} |")
    return out


def chart(per_size: dict, out: Path, title: str) -> None:
    """Alert rate per face size: non-compliant (want high) and masked (want low), argmax vs operating point."""
    import matplotlib.pyplot as plt

    from . import plots  # noqa: F401  (Agg backend)

    sizes = list(per_size)
    xs = np.arange(len(sizes))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    w = 0.2
    series = [
        ("non-compliant, argmax", [per_size[s]["argmax"]["alertedNonCompliant"] for s in sizes], "#f4a582"),
        ("non-compliant, operating point", [per_size[s]["op"]["alertedNonCompliant"] for s in sizes], "#ca0020"),
        ("masked, argmax", [per_size[s]["argmax"]["falselyAlertedMasked"] for s in sizes], "#92c5de"),
        ("masked, operating point", [per_size[s]["op"]["falselyAlertedMasked"] for s in sizes], "#0571b0"),
    ]
    for k, (name, vals, colour) in enumerate(series):
        bars = ax.bar(xs + (k - 1.5) * w, [v * 100 for v in vals], w, label=name, color=colour)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.axhline(90, color="#ca0020", ls=":", lw=1)
    ax.axhline(3, color="#0571b0", ls=":", lw=1)
    ax.set_xticks(xs, [f"{s} px" for s in sizes]), ax.set_ylabel("faces alerted %"), ax.set_ylim(0, 105)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="center right")
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def proxy_figures(manifest: dict, min_size: int = 24) -> dict[str, dict]:
    """The default classifier at its operating point on the sets the pipeline makes itself (faces of min_size px
    and up): the scene-like renders, transplants and composites, and the clean grouped split; for the report's
    "proxy beside reality" table."""
    sv = manifest.get("sceneValidation")
    if not sv:
        return {}
    params = S.Params(**{k: tuple(v) if isinstance(v, list) else v for k, v in sv["params"].items()})
    folder = S.build(params)
    s = S.samples(folder)
    default = manifest["default"]["classifier"]
    op = manifest["models"][default].get("operatingPoint")
    z = S.logits(folder, manifest, [default])[default]
    pred = S.decide(z, op)
    out = {}
    for src, name in (("composite", "scene-like composites (pasted close-ups, detected)"), ("render", "scene-like renders"), ("transplant", "scene-like transplants (incorrect)")):
        sel = (s["source"] == src) & (s["size"] >= min_size)
        out[name] = {"faces": int(sel.sum()), **S.summary(s["label"][sel], pred[sel], s["size"][sel], min_size)}
    clean = S.clean_validation(manifest, [default])
    cz = S.decide(clean["logits"][default], op)
    sel = clean["width"] >= min_size
    out["clean grouped split (close-ups)"] = {"faces": int(sel.sum()), **S.summary(clean["label"][sel], cz[sel], clean["width"][sel], min_size)}
    return out


def section(manifest: dict, report_dir: Path, sheet: bool = True) -> list[str]:
    sv = manifest.get("sceneValidation")
    if not sv:
        return ["## Scene-like validation", "", "Not calibrated yet: run `npm run models:calibrate` (train.sh does after export).", ""]
    params = S.Params(**{k: tuple(v) if isinstance(v, list) else v for k, v in sv["params"].items()})
    folder = S.build(params)
    s = S.samples(folder)
    names = [n for n, m in manifest["models"].items() if m["task"] == "classify"]
    zs = S.logits(folder, manifest, names)
    default = manifest["default"]["classifier"]
    op = manifest["models"][default].get("operatingPoint")
    lines = [
        "## Scene-like validation",
        "",
        "The grouped validation split as a camera sees it (`python -m maskwatch_models.scenes`, issue 7), never a",
        "training picture: **renders**: each validation face at 20, 28, 40 and 64 px wide, with blur, low light and",
        "sensor noise, and JPEG at that size, sampled back to the crop like `cropFace` does; **transplants**: real masks",
        "moved below the nose of validation faces (`transplant.py`), rendered the same way (the validation `incorrect`",
        "pictures are all synthetic); **composites**: the same",
        f"faces pasted {params.repeats}x at those widths, {params.per_scene} to a 960x540 scene (frames of the test",
        "clips, or plain and noisy backgrounds), the scene degraded and run through the TypeScript detector and",
        "cropper (`crops --all-faces --threshold 0.6`), detections matched to the pasted boxes at IoU >= 0.4.",
        "The alert rate is the share labelled not `mask` (what raises an alert).",
        "",
    ]
    if op:
        tf = op.get("twoFold", {})
        lines += [
            f"Operating point of `{default}` (`operatingPoint` in manifest.json, chosen on the {op.get('chosenOn', '')}): "
            f"temperature **T = {op['temperature']:.3f}** (NLL), **τ = {op['maskThreshold']:.4f}** (\"not mask\" when "
            f"p(mask) < τ), **r = {op['incorrectRatio']:.3g}** (`incorrect` when p(incorrect) >= r p(no_mask)), "
            f"alertMinScore {op['alertMinScore']:.2f}. On those real validation faces it alerts "
            f"**{op['alertedNonCompliant'] * 100:.1f} %** of the non-compliant faces and **{op['falselyAlertedMasked'] * 100:.1f} %** "
            f"of the masked ones (target >= 85 % at <= 3 %: {'met' if op.get('targetMet') else '**not met**: τ is the highest that keeps masked faces at <= 3 %'}). "
            + (f"Chosen on half the validation groups and measured on the other half (both ways, mean): {tf['alertedNonCompliant'] * 100:.1f} % / {tf['falselyAlertedMasked'] * 100:.1f} %." if tf else ""),
            "The scene-like figures below use that operating point: they are no longer what it is chosen on.",
            "",
        ]
        lines += ["| classifier | T | τ | r | non-compliant alerted (real val) | masked alerted | same, two-fold |", "|---|---|---|---|---|---|---|"]
        for n in names:
            o = manifest["models"][n].get("operatingPoint")
            if o:
                t2 = o.get("twoFold", {})
                lines.append(f"| {n} | {o['temperature']:.3f} | {o['maskThreshold']:.4f} | {o['incorrectRatio']:.3g} | {o['alertedNonCompliant'] * 100:.1f} % | {o['falselyAlertedMasked'] * 100:.1f} % | {_pct(t2.get('alertedNonCompliant', float('nan')))} % / {_pct(t2.get('falselyAlertedMasked', float('nan')))} % |")
        lines.append("")
    # summary per set, default classifier, argmax vs operating point
    z = zs[default]
    pa, pc = S.decide(z), S.decide(z, op)
    lines += [f"`{default}`, faces of 28 px and up, argmax -> operating point:", "", "| set | faces | 3-class accuracy | non-compliant alerted | masked alerted |", "|---|---|---|---|---|"]
    for src in ("render", "transplant", "composite", None):  # None: the three together
        sel = np.ones(len(z), bool) if src is None else s["source"] == src
        a, c = S.summary(s["label"][sel], pa[sel], s["size"][sel]), S.summary(s["label"][sel], pc[sel], s["size"][sel])
        n_big = int((sel & (s["size"] >= 28)).sum())
        lines.append(f"| {src + 's' if src else 'all three'} | {n_big} | {_pct(a['accuracy'])} -> {_pct(c['accuracy'])} % | {_pct(a['alertedNonCompliant'])} -> {_pct(c['alertedNonCompliant'])} % | {_pct(a['falselyAlertedMasked'])} -> {_pct(c['falselyAlertedMasked'])} % |")
    lines += ["", "Per face size and class (`" + default + "`; accuracy and alert rate in %, argmax / operating point):", ""]
    head = ["| face px | class | faces | acc argmax | acc op. point | alert argmax | alert op. point |", "|---|---|---|---|---|---|---|"]
    clean = S.clean_validation(manifest, [default])
    cz = clean["logits"][default]
    bucket = np.full(len(cz), "no face", dtype=object)
    for lo, hi, name in CLEAN_BUCKETS:
        bucket[(clean["width"] >= lo) & (clean["width"] < hi) & (clean["width"] > 0)] = name
    lines += ["Clean grouped split (face width = the detector box in the original picture):", ""] + head
    lines += _rows(clean["label"], S.decide(cz), S.decide(cz, op), bucket, [b[2] for b in CLEAN_BUCKETS] + ["no face"])
    for src, title in (("render", "Scene-like renders"), ("transplant", "Scene-like transplants (real masks below the nose of validation faces)"), ("composite", "Scene-like composites (detected faces)")):
        sel = s["source"] == src
        lines += ["", f"{title}:", ""] + head + _rows(s["label"][sel], pa[sel], pc[sel], s["size"][sel], list(S.SIZES))
    # detection recall
    rec = S.recall_table(s["scenes"])
    lines += ["", "Detection recall on the composites (pasted faces found at IoU >= 0.4, detector threshold 0.6):", "", "| face px | " + " | ".join(LABELS) + " | all |", "|---|---|---|---|---|"]
    for size in list(S.SIZES) + ["all"]:
        cells = {r["label"]: r for r in rec if r["size"] == size}
        lines.append(f"| {size} | " + " | ".join(f"{cells[l]['recall'] * 100:.1f} % ({cells[l]['faces']})" if l in cells else "-" for l in LABELS + ["all"]) + " |")
    # recall against how much of the pasted context is real picture (many with_mask pictures are tight close-ups)
    inside = np.array(S.context_inside(s["scenes"], params))
    pasted = [f for sc in s["scenes"] for f in sc["faces"]]
    lab = np.array([f["label"] for f in pasted])
    det = np.array([f["detected"] for f in pasted])
    big = np.array([f["size"] >= 28 for f in pasted])
    bands = [(0, 0.5, "< 50 %"), (0.5, 0.8, "50-80 %"), (0.8, 1.01, ">= 80 %")]
    lines += ["", "The same, faces of 28 px and up, by the share of the pasted square (2x the face box) that is real picture",
              "rather than smeared edge pixels (tight close-ups):", "", "| real context | " + " | ".join(LABELS) + " |", "|---|---|---|---|"]
    for lo, hi, name in bands:
        cells = []
        for c in range(len(LABELS)):
            m = big & (lab == c) & (inside >= lo) & (inside < hi)
            cells.append(f"{det[m].mean() * 100:.1f} % ({int(m.sum())})" if m.any() else "-")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Masked faces are found less often in every band, so it is not only the smeared context: YuNet (at `detect`'s",
              "threshold 0.6) finds small masked faces less readily here. A composite is no real scene: read this recall as",
              "a warning about small masked faces, not as a scene figure."]
    # chart
    per_size = {}
    for size in S.SIZES:
        sel = s["size"] == size
        per_size[size] = {"argmax": S.summary(s["label"][sel], pa[sel], s["size"][sel], 0), "op": S.summary(s["label"][sel], pc[sel], s["size"][sel], 0)}
    chart(per_size, report_dir / "scene-validation.png", f"{default}: scene-like validation (renders, transplants, composites), alert rate per face size")
    lines += ["", "![scene-like validation](report/scene-validation.png)", ""]
    if sheet:
        from . import transplant as T

        crops, meta = T.make(32, 99)
        T.contact_sheet(crops, meta, report_dir / "incorrect-transplants.png")
        lines += [
            "### Realistic `incorrect` examples (training)",
            "",
            "`python -m maskwatch_models.transplant --sheet models/report/incorrect-transplants.png`: real masks of",
            "`with_mask` pictures moved below the nose (or onto the chin) of real `without_mask` faces, placed by YuNet's",
            "landmarks, turned and scaled at random (training split only; `train.py --transplants`, 600 by default).",
            "",
            "![incorrect transplants](report/incorrect-transplants.png)",
            "",
        ]
    return lines
