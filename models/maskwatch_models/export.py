"""Export trained classifiers to ONNX (float32 and int8), check parity, write manifest.json and parity fixtures.

    python -m maskwatch_models.export --cnn-run models/runs/<id> --mobilenetv2-run models/runs/<id> [--out models]

- float32: opset 17, input `input` [N,3,128,128], output `logits` [N,3], dynamic batch axis.
- int8: onnxruntime static quantization, QDQ, per-channel int8 weights, uint8 activations, calibrated on
  real-scene training crops (MinMax, Percentile when MinMax loses more than half a point).
- parity: PyTorch vs ONNX float on fixed inputs (max |logit diff|, argmax agreement); int8 vs float accuracy on the
  real-scene validation faces (realcrops.classifier_faces("val")): the int8 model is the default only within
  half a point of float there.
- metrics: on the real-scene validation faces (argmax), and on the grouped split of the close-up sets (`clean`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort

ort.set_default_logger_severity(3)  # the pre-processing step lists every constant it folds away
import torch
from PIL import Image

from . import crops as C
from . import data as D
from .metrics import classification_metrics
from .nets import build, count_params
from .paths import CACHE, CROP_SIZE, LABELS, MODELS_DIR, SHARED, YUNET, repo_relative

OPSET = 17
CLASSIFIER_INPUT = {"size": [CROP_SIZE, CROP_SIZE], "layout": "NCHW", "pixelFormat": "RGB", "normalize": {"scale": 1 / 127.5, "offset": -1.0}}
REAL_VALIDATION = "real-scene validation: ilc2021 val part, annotated faces of 24 px and up found by the detector at 0.6"


def classifier_input(size: int) -> dict:
    return {**CLASSIFIER_INPUT, "size": [size, size]}
PARITY_TOL = 1e-3  # float ONNX vs PyTorch, max |logit difference|
INT8_MAX_DROP = 0.005  # int8 accuracy may trail float by at most half a point
CALIBRATION_IMAGES = 256


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_run(run_dir: Path) -> tuple[dict, torch.nn.Module]:
    run = json.loads((run_dir / "run.json").read_text())
    if run["status"] != "completed":
        raise RuntimeError(f"run {run_dir} is {run['status']}, not completed")
    ckpt = torch.load(run_dir / run["artifacts"]["checkpoint"], weights_only=True)
    net = build(run["model"], pretrained=False, head=run["params"].get("head", "linear"), size=input_size(run))
    net.load_state_dict(ckpt["state_dict"])
    return run, net.eval()


def input_size(run: dict) -> int:
    return int(run["params"].get("inputSize", [CROP_SIZE])[0])


def export_fp32(net: torch.nn.Module, path: Path, size: int = CROP_SIZE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    x = torch.zeros(1, 3, size, size)
    torch.onnx.export(
        net, (x,), str(path), opset_version=OPSET, input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False,
    )
    import onnx

    onnx.checker.check_model(onnx.load(str(path)))


class _Calibration:
    def __init__(self, x: np.ndarray, batch: int = 16):
        self.batches = [x[i : i + batch] for i in range(0, len(x), batch)]

    def get_next(self):
        return {"input": self.batches.pop(0)} if self.batches else None

    def rewind(self):  # pragma: no cover - required by some onnxruntime versions
        pass


def export_int8(fp32: Path, path: Path, calib: np.ndarray, method: str = "MinMax") -> None:
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
        quantize_static(
            str(pre), str(path), _Calibration(calib), quant_format=QuantFormat.QDQ, per_channel=True,
            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=getattr(CalibrationMethod, method),
            extra_options={"CalibPercentile": 99.99} if method == "Percentile" else {},
        )


def session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def ort_logits(sess: ort.InferenceSession, x: np.ndarray, batch: int = 64) -> np.ndarray:
    return np.concatenate([sess.run(["logits"], {"input": x[i : i + batch]})[0] for i in range(0, len(x), batch)])


def validation(run: dict, crops_dir: Path) -> tuple[list[D.Item], np.ndarray, np.ndarray]:
    """The run's validation split (same seed and fraction) as normalised float32 NCHW and labels."""
    p = run["params"]
    items = D.build_index()
    train, val = D.grouped_split(items, p["valFraction"], p["seed"])
    if p.get("smoke"):
        from .train import smoke_subset

        val = smoke_subset(val, 4, p["seed"])
    recs = C.read_index(crops_dir)
    x = D.normalize(D.to_nchw(D.load_crops(val, recs, input_size(run)))).numpy()
    return val, x, np.array([i.label for i in val])


def real_faces(run: dict, part: str, **kw) -> tuple[np.ndarray, np.ndarray]:
    """A part's real-scene classifier faces (realcrops.classifier_faces) as normalised NCHW and labels."""
    from . import realcrops as RC

    faces = RC.classifier_faces(part, input_size(run), bool(run["params"].get("smoke")), **kw)
    x = D.normalize(D.to_nchw(RC.load_crops(faces))).numpy() if faces else np.zeros((0, 3, input_size(run), input_size(run)), np.float32)
    return x, np.array([f.label for f in faces], int)


def export_model(kind: str, run_dir: Path, out: Path, crops_dir: Path) -> dict:
    run, net = load_run(run_dir)
    assert run["model"] == kind, f"{run_dir} trained {run['model']}, expected {kind}"
    size = input_size(run)
    val, xv, yv = validation(run, crops_dir)
    xr, yr = real_faces(run, "val")
    onnx_dir = out / "onnx"
    fp32, int8 = onnx_dir / f"{kind}-fp32.onnx", onnx_dir / f"{kind}-int8.onnx"
    export_fp32(net, fp32, size)
    rng = np.random.default_rng(0)
    # int8 ranges from real training faces (never the validation faces it is then judged on)
    xcal, _ = real_faces(run, "train")
    calib = xcal[rng.permutation(len(xcal))[:CALIBRATION_IMAGES]] if len(xcal) else xv[:CALIBRATION_IMAGES]
    s32 = session(fp32)
    acc32 = classification_metrics(yr, ort_logits(s32, xr))["accuracy"]
    # MinMax first; when int8 trails float by more than the allowance, percentile calibration clips the rare
    # activation outliers that stretch the uint8 range, and the better of the two is kept
    tried = {}
    for method in ("MinMax", "Percentile"):
        cand = int8.with_name(f"{int8.stem}.{method}.onnx")
        export_int8(fp32, cand, calib, method)
        tried[method] = (acc32 - classification_metrics(yr, ort_logits(session(cand), xr))["accuracy"], cand)
        print(f"{kind}-int8 {method}: accuracy drop {tried[method][0] * 100:+.2f} points", file=sys.stderr)
        if tried[method][0] <= INT8_MAX_DROP:
            break
    method = min(tried, key=lambda k: tried[k][0])
    tried[method][1].replace(int8)
    for _, cand in tried.values():
        cand.unlink(missing_ok=True)

    # parity on fixed inputs: up to 32 validation crops plus 4 uniform-noise images in the input range
    fixed = np.concatenate([xv[:16], xr[:16], rng.uniform(-1, 1, (4, 3, size, size)).astype(np.float32)])
    with torch.no_grad():
        ref = net(torch.from_numpy(fixed)).numpy()
        ref_val = torch.cat([net(torch.from_numpy(xr[i : i + 128])) for i in range(0, len(xr), 128)]).numpy() if len(xr) else np.zeros((0, len(LABELS)), np.float32)
    s8 = session(int8)
    got = ort_logits(s32, fixed)
    max_diff = float(np.abs(got - ref).max())
    agree = float((got.argmax(1) == ref.argmax(1)).mean())
    m_torch = classification_metrics(yr, ref_val)
    m32 = classification_metrics(yr, ort_logits(s32, xr))
    m8 = classification_metrics(yr, ort_logits(s8, xr))
    clean = {"fp32": classification_metrics(yv, ort_logits(s32, xv)), "int8": classification_metrics(yv, ort_logits(s8, xv))}
    parity = {
        "fp32MaxAbsDiff": max_diff,
        "fp32ArgmaxAgreement": agree,
        "fixedInputs": len(fixed),
        "ok": max_diff <= PARITY_TOL and agree == 1.0,
        "int8AccuracyDrop": round(m32["accuracy"] - m8["accuracy"], 5),
        "int8MaskVsNoMaskDrop": round(m32["maskVsNoMaskAccuracy"] - m8["maskVsNoMaskAccuracy"], 5),
        "int8Calibration": method,
        "int8ArgmaxAgreementVal": float((ort_logits(s8, xr).argmax(1) == ref_val.argmax(1)).mean()) if len(xr) else 1.0,
        "measuredOn": REAL_VALIDATION,
    }
    parity["int8Ok"] = parity["int8AccuracyDrop"] <= INT8_MAX_DROP
    print(f"{kind}: parity {parity}", file=sys.stderr)
    return {"run": run, "net": net, "fp32": fp32, "int8": int8, "parity": parity, "metrics": {"torch": m_torch, "fp32": m32, "int8": m8}, "clean": clean,
            "val": val, "xv": xv, "yv": yv, "realFaces": len(yr), "size": size}


def _metrics_entry(m: dict, clean: dict, parity: dict, params: int, file: Path, real_faces: int, clean_images: int) -> dict:
    return {
        "evaluatedOn": REAL_VALIDATION,
        "accuracy": m["accuracy"],
        "maskVsNoMaskAccuracy": m["maskVsNoMaskAccuracy"],
        "perClass": m["perClass"],
        "confusion": m["confusion"],
        "validationFaces": real_faces,
        "clean": {
            "evaluatedOn": "grouped 20 % validation split of face-mask/ and mask-worn-incorrectly/ (close-ups)",
            "accuracy": clean["accuracy"],
            "maskVsNoMaskAccuracy": clean["maskVsNoMaskAccuracy"],
            "perClass": clean["perClass"],
            "confusion": clean["confusion"],
            "validationImages": clean_images,
        },
        "parameters": params,
        "fileBytes": file.stat().st_size,
        "parity": parity,
    }


def yunet_sha256() -> str:
    sums = SHARED / "SHA256SUMS"
    for line in sums.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        if name.strip().endswith("face-detectors/yunet/" + YUNET.name):
            return digest
    raise RuntimeError(f"{YUNET.name} not listed in {sums}")


def write_manifest(results: dict[str, dict], path: Path) -> dict:
    models: dict[str, dict] = {}
    for kind, r in results.items():
        params = count_params(r["net"])
        for prec in ("fp32", "int8"):
            f = r[prec]
            models[f"{kind}-{prec}"] = {
                "task": "classify",
                "file": repo_relative(f),
                "sha256": sha256_file(f),
                "input": classifier_input(r["size"]),
                "labels": list(LABELS),
                "metrics": _metrics_entry(r["metrics"][prec], r["clean"][prec], r["parity"], params, f, r["realFaces"], len(r["yv"])),
                "trainingRun": r["run"]["id"],
            }
    digest = yunet_sha256()
    assert sha256_file(YUNET) == digest, f"{YUNET} does not match SHA256SUMS"
    models["yunet"] = {
        "task": "detect",
        "file": repo_relative(YUNET),
        "sha256": digest,
        "input": {"size": [640, 640], "layout": "NCHW", "pixelFormat": "BGR", "normalize": {"scale": 1, "offset": 0}, "sizeMultiple": 32},
        "labels": ["face"],
        "metrics": {"note": "measured on 140 held-out scene images (225 faces, IoU >= 0.4): recall ~0.88, precision ~0.93, ~14 ms/image CPU (shared/models/README.md)"},
    }
    default_classifier = "mobilenetv2-int8" if "mobilenetv2" in results and results["mobilenetv2"]["parity"]["int8Ok"] else "mobilenetv2-fp32"
    if "mobilenetv2" not in results:
        default_classifier = "cnn-fp32"
    manifest = {"version": 1, "models": models, "default": {"classifier": default_classifier, "detector": "yunet"}}
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def write_fixtures(results: dict[str, dict], out_dir: Path, per_class=(3, 3, 2)) -> None:
    """~8 validation crops (PNG) and the logits every classifier gives them, for the TypeScript parity test."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    r0 = next(iter(results.values()))
    val, xv, yv = r0["val"], r0["xv"], r0["yv"]
    recs = C.read_index(CACHE / "crops") if (CACHE / "crops" / "index.jsonl").exists() else {}
    chosen = []
    for c, n in enumerate(per_class):
        idx = [i for i in range(len(val)) if yv[i] == c and (not recs or recs.get(val[i].path, {}).get("detected"))]
        chosen += idx[:: max(1, len(idx) // n)][:n]
    images, x = [], []
    for k, i in enumerate(chosen):
        name = f"{k:02d}_{LABELS[yv[i]]}.png"
        arr = np.clip(np.rint((xv[i].transpose(1, 2, 0) + 1.0) * 127.5), 0, 255).astype(np.uint8)
        Image.fromarray(arr).save(out_dir / name)
        # read the PNG back so the logits are those of exactly the stored pixels
        back = np.asarray(Image.open(out_dir / name).convert("RGB"), np.float32).transpose(2, 0, 1) / 127.5 - 1.0
        x.append(back)
        images.append({"file": name, "label": LABELS[yv[i]], "source": val[i].rel})
    x = np.stack(x).astype(np.float32)
    expected: dict = {
        "labels": list(LABELS),
        "input": classifier_input(r0["size"]),
        "images": images,
        "logits": {},
        "tolerance": {"fp32MaxAbsDiff": PARITY_TOL, "int8": "compare with onnxruntimeLogits (same kernels) at 1e-3 and argmax with logits"},
        "onnxruntimeLogits": {},
    }
    for kind, r in results.items():
        with torch.no_grad():
            pt = r["net"](torch.from_numpy(x)).numpy()
        for prec in ("fp32", "int8"):
            name = f"{kind}-{prec}"
            expected["logits"][name] = np.round(pt, 6).tolist()  # PyTorch float logits (the int8 model's source)
            expected["onnxruntimeLogits"][name] = np.round(ort_logits(session(r[prec]), x), 6).tolist()
    (out_dir / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cnn-run", type=Path)
    ap.add_argument("--mobilenetv2-run", type=Path)
    ap.add_argument("--out", type=Path, default=MODELS_DIR, help="writes onnx/, manifest.json and fixtures/parity/ here")
    ap.add_argument("--crops-dir", type=Path, default=CACHE / "crops")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    results = {}
    for kind, run_dir in (("cnn", args.cnn_run), ("mobilenetv2", args.mobilenetv2_run)):
        if run_dir is not None:
            results[kind] = export_model(kind, run_dir.resolve(), args.out, args.crops_dir)
    if not results:
        ap.error("give --cnn-run and/or --mobilenetv2-run")
    write_manifest(results, args.out / "manifest.json")
    write_fixtures(results, args.out / "fixtures" / "parity")
    failed = [k for k, r in results.items() if not r["parity"]["ok"]]
    for k, r in results.items():
        p = r["parity"]
        print(f"{k}: fp32 max|diff| {p['fp32MaxAbsDiff']:.2e}, argmax {p['fp32ArgmaxAgreement']:.3f}; int8 accuracy drop {p['int8AccuracyDrop'] * 100:+.2f} points", file=sys.stderr)
        if not p["int8Ok"]:
            print(f"warning: {k}-int8 trails float by more than {INT8_MAX_DROP * 100:.1f} points", file=sys.stderr)
    if failed:
        print(f"parity FAILED for {failed}", file=sys.stderr)
        return 1
    print("export ok", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
