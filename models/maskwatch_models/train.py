"""Train one classifier on the face crops and record the run.

    python -m maskwatch_models.train --model mobilenetv2 [--epochs 20] [--smoke]
"""
from __future__ import annotations

import argparse
import math
import random
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from tqdm import tqdm

from . import crops as C
from . import data as D
from .metrics import classification_metrics
from .nets import build, count_params
from .paths import CACHE, LABELS, RUNS
from .tracking import Run

STOP_AFTER_EPOCH = threading.Event()

DEFAULTS = {
    "cnn": {"lr": 1e-3, "backbone_lr_mult": 1.0, "weight_decay": 1e-4, "freeze_blocks": 0},
    # low learning rate for the pretrained features, 10x for the new head; the stem and the first six blocks (the
    # 64x64, 32x32 and 16x16 stages: generic edges and textures) stay frozen: they cost most of the backward pass on
    # a CPU, and freezing them halves an epoch (issue 14, on a 2-core machine shared by a team)
    "mobilenetv2": {"lr": 1e-3, "backbone_lr_mult": 0.1, "weight_decay": 1e-4, "freeze_blocks": 7},
}


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # No torch.use_deterministic_algorithms: on the CPU it doubles the cost of the depthwise convolutions' backward
    # pass (2.2 s instead of 1.1 s a batch here); seeded, one thread, the runs repeat closely anyway.
    return torch.Generator().manual_seed(seed)


def smoke_subset(items: list[D.Item], per_class: int, seed: int) -> list[D.Item]:
    rng = random.Random(seed)
    out = []
    for c in range(len(LABELS)):
        cls = [i for i in items if i.label == c]
        out += rng.sample(cls, min(per_class, len(cls)))
    return out


def prepare_data(args) -> tuple[list[D.Item], list[D.Item], dict]:
    items = D.build_index()
    train, val = D.grouped_split(items, args.val_fraction, args.seed)
    if args.smoke:
        train, val = smoke_subset(train, 12, args.seed), smoke_subset(val, 4, args.seed)
    # crop the whole data set once (cached); a smoke run only needs its few images
    wanted = train + val if args.smoke else items
    recs = C.ensure_crops([i.path for i in wanted], Path(args.crops_dir), size=args.size, tool=args.crops_tool)
    return train, val, recs


def real_data(args) -> tuple[list, list]:
    """Real-scene faces (realcrops.py): the train part's faces the detector found at --real-min-score (live
    analysis classifies faces down to 0.3, which continue tracks), and the validation part's faces of MIN_SIZE px
    and up found at `detect`'s threshold (what is shown and alerted): the early stopping and model choice set."""
    from . import realcrops as RC

    return RC.classifier_faces("train", args.size, args.smoke, min_score=args.real_min_score, min_size=0), RC.classifier_faces("val", args.size, args.smoke)


def budget_figures(logits: np.ndarray, y: np.ndarray, budget: float = 0.03) -> dict:
    """Threshold-free comparison of models on real validation: the share of non-compliant faces alerted when
    "not mask" is called at the highest p(mask) threshold that alerts at most `budget` of the masked faces (chosen
    on these faces, so in-sample: for comparing runs, not a figure to quote)."""
    from .calibrate import choose_tau
    from .scenes import softmax

    if not ((y == 0).any() and (y != 0).any()):
        return {}
    p = softmax(logits.astype(np.float64))
    tau = choose_tau(p[:, 0], y, target=1.01, max_false=budget, margin=0.0)
    nc = y != 0
    return {
        "budget": budget,
        "alertedNonCompliant": round(tau["alertedNonCompliant"], 5),
        "falselyAlertedMasked": round(tau["falselyAlertedMasked"], 5),
        "incorrectRecall": round(float((logits[y == 2].argmax(1) == 2).mean()), 5) if (y == 2).any() else None,
        "alertedNonCompliantArgmax": round(float((logits[nc].argmax(1) != 0).mean()), 5),
        "falselyAlertedMaskedArgmax": round(float((logits[y == 0].argmax(1) != 0).mean()), 5),
    }


@torch.no_grad()
def evaluate(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 128) -> tuple[float, np.ndarray]:
    """Mean plain cross-entropy and the logits over uint8 NCHW crops (on the network's device)."""
    net.eval()
    device = next(net.parameters()).device
    logits = torch.cat([net(D.normalize(x[i : i + batch].to(device))).cpu() for i in range(0, len(x), batch)])
    return float(F.cross_entropy(logits, y)), logits.numpy()


def pick_device(choice: str) -> torch.device:
    """CUDA when asked or, with "auto", when PyTorch sees a GPU; else the CPU (the default here)."""
    if choice == "cuda" or (choice == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda: PyTorch sees no CUDA device")
        return torch.device("cuda")
    return torch.device("cpu")


def aug_config(args) -> D.AugConfig:
    """Training augmentation; --scene-aug off drops the scene degradations (scale, blur, noise, low light) and the
    synthetic crops' domain matching, for the ablation."""
    if args.scene_aug == "off":
        return D.AugConfig(p_domain=0.0, p_lowres=0.0, p_blur=0.0, p_noise=0.0, p_dark=0.0)
    return D.AugConfig(p_domain=args.domain_match)


def train(args) -> Path:
    torch.set_num_threads(args.threads)
    gen = seed_everything(args.seed)
    device = pick_device(args.device)
    cfg = {**DEFAULTS[args.model], **{k: v for k, v in vars(args).items() if k in DEFAULTS[args.model] and v is not None}}
    train_items, val_items, recs = prepare_data(args)
    real_train, real_val = real_data(args)
    from . import realcrops as RC

    xtr = D.load_crops(train_items, recs, args.size)
    ytr = [i.label for i in train_items]
    synthetic = [i.rel.startswith("mask-worn-incorrectly/") for i in train_items]
    transplants = 0
    if args.transplants > 0:
        # realistic `incorrect`: real masks moved below the nose of real unmasked training faces (transplant.py)
        from . import transplant as T

        extra, _ = T.make(args.transplants, args.seed, train_items)  # training pictures only
        if extra.shape[1] != args.size:
            extra = np.stack([np.asarray(Image.fromarray(e).resize((args.size, args.size), Image.BILINEAR)) for e in extra])
        xtr = np.concatenate([xtr, extra])
        ytr += [LABELS.index("incorrect")] * len(extra)
        synthetic += [False] * len(extra)
        transplants = len(extra)
    if args.real_repeat > 0 and real_train:
        # real scene faces as the live detector and cropper see them, repeated to weigh them against the rest
        xr = RC.load_crops(real_train)
        xtr = np.concatenate([xtr] + [xr] * args.real_repeat)
        ytr += [f.label for f in real_train] * args.real_repeat
        synthetic += [False] * (len(real_train) * args.real_repeat)
    # model choice and early stopping on real scenes; the grouped split of the close-up sets is measured at the end
    xva = D.to_nchw(RC.load_crops(real_val))
    yva = torch.tensor([f.label for f in real_val])
    xclean = D.to_nchw(D.load_crops(val_items, recs, args.size))
    yclean = [i.label for i in val_items]
    counts = Counter(ytr)
    # inverse-frequency class weights (mean 1) against the 2.5:2:0.8 mask/no_mask/incorrect imbalance
    weights = torch.tensor([len(ytr) / (len(LABELS) * max(1, counts[c])) for c in range(len(LABELS))], dtype=torch.float32)
    if args.class_weighting == "sqrt":
        weights = weights.sqrt()

    net = build(args.model, pretrained=not args.no_pretrained, head=args.head, size=args.size).to(device)
    if args.model == "mobilenetv2":
        for m in list(net.features)[: cfg["freeze_blocks"]]:
            m.requires_grad_(False)
        groups = [
            {"params": [p for p in net.features.parameters() if p.requires_grad], "lr": cfg["lr"] * cfg["backbone_lr_mult"]},
            {"params": net.classifier.parameters(), "lr": cfg["lr"]},
        ]
    else:
        groups = [{"params": net.parameters(), "lr": cfg["lr"]}]
    opt = torch.optim.AdamW(groups, weight_decay=cfg["weight_decay"])
    steps_per_epoch = math.ceil(len(xtr) / args.batch_size)
    total = steps_per_epoch * args.epochs
    warm = min(steps_per_epoch, total // 10 + 1)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / total))))

    params = {
        "model": args.model,
        "epochs": args.epochs,
        "batchSize": args.batch_size,
        "lr": cfg["lr"],
        "backboneLrMult": cfg["backbone_lr_mult"],
        "weightDecay": cfg["weight_decay"],
        "freezeBlocks": cfg["freeze_blocks"],
        "patience": args.patience,
        "labelSmoothing": args.label_smoothing,
        "seed": args.seed,
        "valFraction": args.val_fraction,
        "inputSize": [args.size, args.size],
        "head": args.head,
        "validation": "real-scene validation (ilc2021 val part: annotated faces of 24 px and up found by the detector at 0.6)",
        "pretrained": args.model == "mobilenetv2" and not args.no_pretrained,
        "classWeights": [round(float(w), 4) for w in weights],
        "trainImages": len(xtr),
        "valImages": len(xva),
        "realTrainFaces": len(real_train) if args.real_repeat > 0 else 0,
        "realRepeat": args.real_repeat,
        "realMinScore": args.real_min_score,
        "cleanValImages": len(xclean),
        "trainCounts": {LABELS[c]: counts[c] for c in range(len(LABELS))},
        "parameters": count_params(net),
        "threads": args.threads,
        "smoke": args.smoke,
        "maxMinutes": args.max_minutes,
        "domainMatch": args.domain_match,
        "sceneAug": args.scene_aug,
        "classWeighting": args.class_weighting,
        "crops": (Path(args.crops_dir) / "tool.txt").read_text().strip() if (Path(args.crops_dir) / "tool.txt").exists() else None,
        "facesDetected": sum(recs[i.path]["detected"] for i in train_items + val_items),
        "transplants": transplants,
        "device": str(device),
        "augmentation": {k: v for k, v in vars(aug_config(args)).items()},
    }
    with Run(Path(args.runs_dir), args.model, params, wandb=args.wandb) as run:
        ckpt_dir = run.dir / "checkpoints"
        ckpt_dir.mkdir()
        best = ckpt_dir / "best.pt"
        cfg_aug = aug_config(args)
        ds = D.CropDataset(xtr, ytr, train=True, seed=args.seed, cfg=cfg_aug, synthetic=synthetic)
        loader = torch.utils.data.DataLoader(ds, batch_size=args.batch_size, shuffle=True, generator=gen, num_workers=0, drop_last=len(ds) > args.batch_size)
        best_loss, bad = float("inf"), 0
        run.data["params"]["stoppedBy"] = "epochs"
        t_start = time.time()
        for epoch in range(1, args.epochs + 1):
            t0 = time.time()
            net.train()
            loss_sum = correct = seen = 0
            bar = tqdm(loader, desc=f"{args.model} epoch {epoch}/{args.epochs}", file=sys.stderr, leave=False, disable=args.quiet)
            for xb, yb in bar:
                # augmentation draws from the CPU generator (same pictures on either device), then moves over
                xb = D.normalize(D.augment_batch(xb.float(), gen, cfg_aug)).to(device, non_blocking=True)
                yb = yb.to(device, non_blocking=True)
                out = net(xb)
                loss = F.cross_entropy(out, yb, weight=weights.to(device), label_smoothing=args.label_smoothing)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                loss_sum += loss.item() * len(yb)
                correct += int((out.argmax(1) == yb).sum())
                seen += len(yb)
                bar.set_postfix(loss=f"{loss_sum / seen:.3f}", acc=f"{correct / seen:.3f}")
            val_loss, logits = evaluate(net, xva, yva)
            val_acc = float((logits.argmax(1) == yva.numpy()).mean())
            rec = {
                "epoch": epoch,
                "trainLoss": round(loss_sum / seen, 5),
                "trainAcc": round(correct / seen, 5),
                "valLoss": round(val_loss, 5),
                "valAcc": round(val_acc, 5),
                "lr": float(opt.param_groups[-1]["lr"]),
                "seconds": round(time.time() - t0, 1),
            }
            run.log_epoch(rec)
            improved = val_loss < best_loss - 1e-4
            print(f"{args.model} epoch {epoch}: train {rec['trainLoss']:.4f}/{rec['trainAcc']:.4f} val {rec['valLoss']:.4f}/{rec['valAcc']:.4f} {rec['seconds']}s" + (" *" if improved else ""), file=sys.stderr)
            if improved:
                best_loss, bad = val_loss, 0
                torch.save({"model": args.model, "head": args.head, "size": args.size, "state_dict": {k: v.cpu() for k, v in net.state_dict().items()}, "epoch": epoch, "labels": LABELS}, best)
            else:
                bad += 1
                if bad >= args.patience:
                    print(f"early stop: real validation loss did not improve for {args.patience} epochs", file=sys.stderr)
                    run.data["params"]["stoppedBy"] = "early stopping"
                    break
            # time budget: stop when another epoch like the last one would overrun it (shared CPUs vary 3x)
            # safety net only: stop when another epoch like the last one would overrun the cap
            if args.max_minutes and (time.time() - t_start + rec["seconds"]) / 60 > args.max_minutes and epoch < args.epochs:
                print(f"time cap: stopping after epoch {epoch} (--max-minutes {args.max_minutes})", file=sys.stderr)
                run.data["params"]["stoppedBy"] = "time cap"
                break
            if STOP_AFTER_EPOCH.is_set() and epoch < args.epochs:
                print(f"SIGUSR1: stopping after epoch {epoch}", file=sys.stderr)
                run.data["params"]["stoppedBy"] = "SIGUSR1"
                break
        net.load_state_dict(torch.load(best, weights_only=True, map_location=device)["state_dict"])
        _, logits = evaluate(net, xva, yva)
        final = classification_metrics(yva.numpy(), logits)
        final["realValidation"] = budget_figures(logits, yva.numpy())
        _, clean_logits = evaluate(net, xclean, torch.tensor(yclean))
        final["clean"] = classification_metrics(np.array(yclean), clean_logits)
        run.data["params"]["bestEpoch"] = torch.load(best, weights_only=True)["epoch"]
        run.data["params"]["stoppedEpoch"] = len(run.data["epochs"])
        run.finish(final, {"checkpoint": str(best.relative_to(run.dir))})
        rv = final["realValidation"]
        print(f"{run.id}: real validation accuracy {final['accuracy']:.4f}, incorrect recall {final['perClass']['incorrect']['recall']:.4f}, "
              f"alerted {rv.get('alertedNonCompliant')} at {rv.get('falselyAlertedMasked')} masked; clean split {final['clean']['accuracy']:.4f}", file=sys.stderr)
    return run.dir


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["cnn", "mobilenetv2"], required=True)
    # 10, not 20: on the 2 shared cores an epoch of MobileNetV2 took 150-250 s (see README), 20 epochs blew the
    # 60-minute budget of the full run; --epochs 20 still works, early stopping stays on either way
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--freeze-blocks", dest="freeze_blocks", type=int, default=None)
    ap.add_argument("--max-minutes", type=float, default=None, help="stop (normally, with the best checkpoint) when the next epoch would overrun this")
    ap.add_argument("--domain-match", type=float, default=0.7, help="probability of extra down-up scaling for the synthetic MaskedFace-Net crops")
    ap.add_argument("--scene-aug", choices=["on", "off"], default="on", help="off: no scale/blur/noise/low-light augmentation and no domain matching (ablation)")
    ap.add_argument("--real-repeat", type=int, default=2, help="times each real-scene training face is in an epoch (0: no real crops; 2 since the ablations: incorrect recall 79.0 -> 85.5 %% at equal accuracy)")
    ap.add_argument("--real-min-score", type=float, default=0.3, help="real training faces: detections matched at this score and up")
    ap.add_argument("--size", type=int, default=128, help="crop side (the classifier's input)")
    ap.add_argument("--head", choices=["linear", "wide"], default="linear", help="MobileNetV2 head: linear, or wide (a hidden layer of 256)")
    ap.add_argument("--class-weighting", choices=["inverse", "sqrt"], default="sqrt")
    ap.add_argument("--transplants", type=int, default=None, help="realistic `incorrect` crops made by transplant.py and added to training (default 600, 8 with --smoke)")
    ap.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto", help="auto: CUDA when torch.cuda.is_available(), else CPU")
    ap.add_argument("--patience", type=int, default=3, help="early stopping: epochs without a better real validation loss")
    ap.add_argument("--label-smoothing", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--val-fraction", type=float, default=0.2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--smoke", action="store_true", help="12 train / 4 val images per class (pipeline check, not a model)")
    ap.add_argument("--no-pretrained", action="store_true")
    ap.add_argument("--runs-dir", default=str(RUNS))
    ap.add_argument("--crops-dir", default=None, help="crops of the close-up sets (default models/.cache/crops, crops-<size> for another size)")
    ap.add_argument("--crops-tool", choices=["auto", "ts", "python"], default="auto")
    ap.add_argument("--wandb", action="store_true", help="also log to Weights & Biases (offline unless WANDB_MODE says otherwise)")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    return ap


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.crops_dir is None:
        args.crops_dir = str(CACHE / ("crops" if args.size == 128 else f"crops-{args.size}"))
    if args.transplants is None:
        args.transplants = 8 if args.smoke else 600
    # a killed run (SIGTERM) unwinds through Run.__exit__ and is recorded as failed instead of staying "running"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # SIGUSR1: finish the current epoch, then stop normally (evaluate the best checkpoint, write everything)
    signal.signal(signal.SIGUSR1, lambda *_: STOP_AFTER_EPOCH.set())
    run_dir = train(args)
    print(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
