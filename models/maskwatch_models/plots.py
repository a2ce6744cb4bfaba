"""Matplotlib (Agg) figures for runs and the report."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def curves(epochs: list[dict], out: Path, title: str = "") -> None:
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    e = [x["epoch"] for x in epochs]
    a.plot(e, [x["trainLoss"] for x in epochs], "o-", label="train")
    a.plot(e, [x["valLoss"] for x in epochs], "o-", label="validation")
    a.set_xlabel("epoch"), a.set_ylabel("loss"), a.legend(), a.grid(alpha=0.3)
    b.plot(e, [x["trainAcc"] for x in epochs], "o-", label="train")
    b.plot(e, [x["valAcc"] for x in epochs], "o-", label="validation")
    b.set_xlabel("epoch"), b.set_ylabel("accuracy"), b.legend(), b.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def confusion(matrix: list[list[int]], labels: list[str], out: Path, title: str = "") -> None:
    fig, ax = plt.subplots(figsize=(4.4, 3.8))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels), ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted"), ax.set_ylabel("true")
    top = max(max(r) for r in matrix) or 1
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", color="white" if v > top / 2 else "black")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def system(samples: list[dict], out: Path, title: str = "") -> None:
    has_gpu = any("gpu0UtilPercent" in s for s in samples)
    fig, axes = plt.subplots(1, 3 if has_gpu else 2, figsize=(12 if has_gpu else 9, 3.4))
    t0 = samples[0]["t"] if samples else 0
    t = [(s["t"] - t0) / 60 for s in samples]
    axes[0].plot(t, [s["cpuPercent"] for s in samples])
    axes[0].set_ylabel("CPU %"), axes[0].set_ylim(0, 105)
    axes[1].plot(t, [s["rssMb"] for s in samples], label="process RSS")
    axes[1].plot(t, [s["ramUsedMb"] for s in samples], label="system RAM used")
    axes[1].set_ylabel("MB"), axes[1].legend()
    if has_gpu:
        axes[2].plot(t, [s.get("gpu0UtilPercent") for s in samples], label="GPU 0 busy")
        axes[2].plot(t, [s.get("gpu0MemPercent") for s in samples], label="GPU 0 memory")
        axes[2].set_ylabel("GPU %"), axes[2].set_ylim(0, 105), axes[2].legend()
    for ax in axes:
        ax.set_xlabel("minutes"), ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
