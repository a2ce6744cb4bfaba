"""Short ablation runs of MobileNetV2, each choice measured on the real-scene validation part (issue 14).

    python -m maskwatch_models.ablations run [NAME...]     # train the ablations not yet in --runs-dir (nice them)
    python -m maskwatch_models.ablations table             # collect them into report/ablations.json, print a table

Every run is train.py with the pipeline's defaults and one change, all under one short protocol (PROTOCOL: one epoch,
one thread, the same seed), so that they compare with each other, not with the full run. Figures come from each
run's final evaluation on the real val part (faces of 24 px and up found at 0.6): 3-class accuracy and incorrect
recall by argmax, and the non-compliant faces alerted when masked ones may be alerted at most 3 % of the time (the
threshold chosen on those same faces: fit for comparing runs, not a figure to quote).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from .paths import CACHE, MODELS_DIR

# the base is the recipe the ablations were run against (real crops once per epoch); flags after it override it
PROTOCOL = ["--model", "mobilenetv2", "--epochs", "1", "--patience", "1", "--threads", "1", "--quiet", "--real-repeat", "1"]
ABLATIONS: dict[str, tuple[str, list[str]]] = {
    "base": ("the recipe ablated (real crops once per epoch, transplants, scene augmentation, 128 px, linear head)", []),
    "no-real": ("no real-scene crops in training", ["--real-repeat", "0"]),
    "real-x2": ("real-scene crops twice per epoch", ["--real-repeat", "2"]),
    "no-transplants": ("no mask transplants", ["--transplants", "0"]),
    "no-scene-aug": ("no domain matching: no scale/blur/noise/low-light augmentation", ["--scene-aug", "off"]),
    "wide-head": ("a wider head (1280 -> 256 -> 3)", ["--head", "wide"]),
    "size-160": ("160 px crops (MobileNetV2 at 160)", ["--size", "160"]),
}
RUNS = CACHE / "ablations"
OUT = MODELS_DIR / "report" / "ablations.json"


def run(names: list[str], runs_dir: Path = RUNS) -> None:
    for name in names:
        folder = runs_dir / name
        if any(json.loads(p.read_text()).get("status") == "completed" for p in folder.glob("*/run.json")):
            print(f"ablations: {name} already done", file=sys.stderr)
            continue
        cmd = [sys.executable, "-m", "maskwatch_models.train", *PROTOCOL, "--runs-dir", str(folder), *ABLATIONS[name][1]]
        print("+ " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, cwd=MODELS_DIR, check=True)


def table(runs_dir: Path = RUNS) -> list[dict]:
    rows = []
    for name, (what, flags) in ABLATIONS.items():
        done = [json.loads(p.read_text()) for p in sorted((runs_dir / name).glob("*/run.json"))]
        done = [r for r in done if r.get("status") == "completed"]
        if not done:
            continue
        r = done[-1]
        f, rv = r["final"], r["final"].get("realValidation", {})
        rows.append({
            "name": name, "what": what, "flags": " ".join(flags), "run": r["id"], "epochs": len(r["epochs"]),
            "valFaces": r["params"]["valImages"], "accuracy": f["accuracy"], "incorrectRecall": f["perClass"]["incorrect"]["recall"],
            "noMaskRecall": f["perClass"]["no_mask"]["recall"], "maskRecall": f["perClass"]["mask"]["recall"],
            "alertedAt3": rv.get("alertedNonCompliant"), "alertedArgmax": rv.get("alertedNonCompliantArgmax"),
            "maskedAlertedArgmax": rv.get("falselyAlertedMaskedArgmax"), "valLoss": r["epochs"][-1]["valLoss"] if r["epochs"] else None,
            "cleanAccuracy": f.get("clean", {}).get("accuracy"), "minutes": round(r["params"].get("wallSeconds", 0) / 60, 1),
        })
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["run", "table"])
    ap.add_argument("names", nargs="*", help=f"ablations to run (default all: {', '.join(ABLATIONS)})")
    ap.add_argument("--runs-dir", type=Path, default=RUNS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if args.what == "run":
        unknown = [n for n in args.names if n not in ABLATIONS]
        if unknown:
            ap.error(f"unknown ablations {unknown}")
        run(args.names or list(ABLATIONS), args.runs_dir)
        return 0
    rows = table(args.runs_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"protocol": " ".join(PROTOCOL), "rows": rows}, indent=1) + "\n")
    print("| ablation | epochs | real val 3-class | incorrect recall | no_mask recall | alerted at 3 % masked | argmax: alerted / masked alerted | val loss | close-ups 3-class |")
    print("|---|---|---|---|---|---|---|---|---|")
    pct = lambda v: "-" if v is None else f"{v * 100:.1f}"  # noqa: E731
    for r in rows:
        print(f"| {r['name']}: {r['what']} | {r['epochs']} | {pct(r['accuracy'])} | {pct(r['incorrectRecall'])} | {pct(r['noMaskRecall'])} | {pct(r['alertedAt3'])} | "
              f"{pct(r['alertedArgmax'])} / {pct(r['maskedAlertedArgmax'])} | {r['valLoss']:.3f} | {pct(r['cleanAccuracy'])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
