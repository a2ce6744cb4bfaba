"""One epoch on a few images through the real pipeline: crops (close-ups and real scenes), training with early
stopping on the real validation part, tracking, export, parity, calibration on real validation, report."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[1]


def _py(*args, cwd=MODELS):
    r = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{args} failed:\n{r.stderr[-3000:]}"
    return r.stdout


@pytest.mark.e2e
def test_smoke_pipeline(tmp_path):
    crops = tmp_path / "crops"
    run_dirs = {}
    for kind in ("cnn", "mobilenetv2"):
        out = _py("maskwatch_models.train", "--model", kind, "--smoke", "--epochs", "1", "--quiet",
                  "--runs-dir", str(tmp_path / "runs"), "--crops-dir", str(crops))
        run_dirs[kind] = Path(out.strip().splitlines()[-1])
        run = json.loads((run_dirs[kind] / "run.json").read_text())
        assert run["status"] == "completed" and run["model"] == kind
        assert len(run["epochs"]) == 1 and {"trainLoss", "valLoss", "valAcc", "lr", "seconds"} <= set(run["epochs"][0])
        assert run["final"]["labels"] == ["mask", "no_mask", "incorrect"]
        assert len(run["final"]["confusion"]) == 3 and set(run["final"]["perClass"]) == {"mask", "no_mask", "incorrect"}
        assert run["finishedAt"] and run["system"]["samples"] >= 0
        assert run["params"]["realTrainFaces"] > 0 and run["params"]["stoppedBy"] in ("epochs", "early stopping")
        assert run["params"]["validation"].startswith("real-scene validation") and "clean" in run["final"]
        for art in ("curves", "confusion", "system", "checkpoint"):
            assert (run_dirs[kind] / run["artifacts"][art]).is_file(), art
        assert (run_dirs[kind] / "system.jsonl").exists()
    _py("maskwatch_models.export", "--cnn-run", str(run_dirs["cnn"]), "--mobilenetv2-run", str(run_dirs["mobilenetv2"]),
        "--out", str(tmp_path), "--crops-dir", str(crops))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["models"]) == {"cnn-fp32", "cnn-int8", "mobilenetv2-fp32", "mobilenetv2-int8", "yunet"}
    for name, m in manifest["models"].items():
        f = (MODELS.parent / m["file"]).resolve()
        assert f.is_file(), name
        if m["task"] == "classify":
            assert m["metrics"]["parity"]["ok"], name
            assert m["input"]["normalize"] == {"scale": 1 / 127.5, "offset": -1.0}
            assert m["metrics"]["evaluatedOn"].startswith("real-scene validation") and m["metrics"]["validationFaces"] > 0, name
            assert m["metrics"]["clean"]["validationImages"] > 0, name
    expected = json.loads((tmp_path / "fixtures" / "parity" / "expected.json").read_text())
    assert len(expected["images"]) == 8 and set(expected["logits"]) == {"cnn-fp32", "cnn-int8", "mobilenetv2-fp32", "mobilenetv2-int8"}
    # the post-hoc operating point on a few real validation faces (train.sh runs calibrate --smoke here)
    _py("maskwatch_models.calibrate", "--manifest", str(tmp_path / "manifest.json"), "--smoke")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for name, m in manifest["models"].items():
        if m["task"] == "classify":
            op = m["operatingPoint"]
            assert op["temperature"] > 0 and 0 <= op["maskThreshold"] <= 1 and op["incorrectRatio"] > 0, name
            assert op["chosenOn"].startswith("real-scene validation (ilc2021 val part") and op["falselyAlertedMasked"] <= 0.03, name
    assert manifest["sceneValidation"]["params"]["limit"] > 0
    _py("maskwatch_models.report", "--out", str(tmp_path), "--latency-runs", "2", "--no-scene", "--smoke")
    assert (tmp_path / "report.md").is_file() and (tmp_path / "report" / "comparison.png").is_file()
    report = (tmp_path / "report.md").read_text()
    assert "## Real scenes: the test part" in report and (tmp_path / "report" / "real-test-confusion.png").is_file()
    real = json.loads((tmp_path / "report" / "real-test.json").read_text())
    assert set(real["targets"]) >= {"3-class accuracy", "incorrect recall", "non-compliant faces alerted"}
    assert "## Scene-like validation" in report and (tmp_path / "report" / "scene-validation.png").is_file()
    assert (tmp_path / "report" / "incorrect-transplants.png").is_file()
