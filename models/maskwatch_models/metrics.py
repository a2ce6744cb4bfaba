"""Classification metrics for the three labels."""
from __future__ import annotations

import numpy as np

from .paths import LABELS


def confusion_matrix(y, pred) -> np.ndarray:
    """Counts per (true label, predicted label), rows true, columns predicted, in LABELS order."""
    k = len(LABELS)
    conf = np.zeros((k, k), int)
    for t, p in zip(y, pred):
        conf[t, p] += 1
    return conf


def classification_metrics(y: np.ndarray, logits: np.ndarray) -> dict:
    """Accuracy, per-class precision/recall/F1/support, confusion (rows true, columns predicted) and
    maskVsNoMaskAccuracy: on the images labelled mask or no_mask, the share where the mask logit vs the no_mask logit
    picks the right one (the two-class task of the original paper, which has no 'incorrect' class)."""
    y = np.asarray(y)
    pred = logits.argmax(1)
    conf = confusion_matrix(y, pred)
    per = {}
    for c, name in enumerate(LABELS):
        tp = conf[c, c]
        prec = tp / conf[:, c].sum() if conf[:, c].sum() else 0.0
        rec = tp / conf[c].sum() if conf[c].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[name] = {"precision": round(float(prec), 5), "recall": round(float(rec), 5), "f1": round(float(f1), 5), "support": int(conf[c].sum())}
    two = np.isin(y, [0, 1])
    mvn = float((logits[two][:, :2].argmax(1) == y[two]).mean()) if two.any() else 0.0
    return {
        "accuracy": round(float((pred == y).mean()), 5),
        "maskVsNoMaskAccuracy": round(mvn, 5),
        "labels": list(LABELS),
        "perClass": per,
        "confusion": conf.tolist(),
    }
