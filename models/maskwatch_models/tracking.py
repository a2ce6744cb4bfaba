"""Experiment tracking: run.json, system.jsonl and PNGs per run under models/runs/<run_id>/.

run.json is rewritten after every epoch (status "running"), so a crashed or killed run still leaves its history;
the platform imports these files into SQLite with `npm run -s -w @maskwatch/db import-runs -- models/runs`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from .paths import REPO_ROOT

GPU_QUERY = "utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw"


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _num(s: str):
    try:
        return float(s)
    except ValueError:
        return None


def query_gpus() -> list[dict] | None:
    """One dict per GPU from nvidia-smi, or None when there is none."""
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(["nvidia-smi", f"--query-gpu={GPU_QUERY}", "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    gpus = []
    for line in out.stdout.strip().splitlines():
        v = [_num(x.strip()) for x in line.split(",")]
        if len(v) == 5:
            gpus.append({"utilPercent": v[0], "memUsedMb": v[1], "memTotalMb": v[2], "temperatureC": v[3], "powerW": v[4]})
    return gpus or None


def gpu_fields(gpus: list[dict]) -> dict:
    """nvidia-smi's figures as flat numeric fields (gpu0UtilPercent, gpu0MemUsedMb, gpu0MemPercent, ...): system.jsonl
    keeps only numbers at its top level, which is what the console's run page charts (percent and MB panels)."""
    out: dict = {}
    for i, g in enumerate(gpus):
        fields = {
            "UtilPercent": g["utilPercent"],
            "MemUsedMb": g["memUsedMb"],
            "MemPercent": round(100 * g["memUsedMb"] / g["memTotalMb"], 1) if g["memUsedMb"] is not None and g["memTotalMb"] else None,
            "TemperatureC": g["temperatureC"],
            "PowerW": g["powerW"],
        }
        out.update({f"gpu{i}{k}": v for k, v in fields.items() if v is not None})
    return out


class SystemSampler(threading.Thread):
    """Samples CPU %, RAM, this process's RSS and threads, disk I/O and (when present) GPU every `interval` s."""

    def __init__(self, path: Path, interval: float = 3.0):
        super().__init__(daemon=True, name="system-sampler")
        self.path, self.interval = path, interval
        self.samples: list[dict] = []
        self._halt = threading.Event()
        self.proc = psutil.Process(os.getpid())
        self.has_gpu = query_gpus() is not None

    def sample(self) -> dict:
        vm = psutil.virtual_memory()
        d = psutil.disk_io_counters()
        s = {
            "t": round(time.time(), 3),
            "cpuPercent": psutil.cpu_percent(None),
            "ramUsedMb": round((vm.total - vm.available) / 2**20, 1),
            "ramPercent": vm.percent,
            "rssMb": round(self.proc.memory_info().rss / 2**20, 1),
            "threads": self.proc.num_threads(),
            "diskReadMb": round(d.read_bytes / 2**20, 1) if d else None,
            "diskWriteMb": round(d.write_bytes / 2**20, 1) if d else None,
        }
        if self.has_gpu:
            s.update(gpu_fields(query_gpus() or []))
        return s

    def run(self) -> None:
        psutil.cpu_percent(None)  # the first call only starts the interval
        with open(self.path, "a") as f:
            while not self._halt.wait(self.interval):
                s = self.sample()
                self.samples.append(s)
                f.write(json.dumps(s) + "\n")
                f.flush()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=self.interval + 5)

    def summary(self) -> dict:
        n = len(self.samples)
        return {
            "samples": n,
            "cpuPercentMean": round(sum(s["cpuPercent"] for s in self.samples) / n, 1) if n else 0.0,
            "rssMaxMb": max((s["rssMb"] for s in self.samples), default=round(self.proc.memory_info().rss / 2**20, 1)),
            "gpu": self.has_gpu,
        }


class Run:
    """One training run. Use as a context manager: an exception marks it failed and is re-raised."""

    def __init__(self, runs_dir: Path, model: str, params: dict, run_id: str | None = None, wandb: bool = False, sample_interval: float = 3.0):
        self.id = run_id or f"{model}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
        self.dir = Path(runs_dir) / self.id
        self.dir.mkdir(parents=True, exist_ok=False)
        self.t0 = time.time()
        self.data = {
            "id": self.id,
            "model": model,
            "status": "running",
            "startedAt": now_iso(),
            "finishedAt": None,
            "params": params,
            "epochs": [],
            "final": None,
            "system": {"samples": 0, "cpuPercentMean": 0.0, "rssMaxMb": 0.0, "gpu": False},
            "artifacts": {},
        }
        self.sampler = SystemSampler(self.dir / "system.jsonl", sample_interval)
        self.sampler.start()
        self.wandb = None
        if wandb:
            try:
                import wandb as wb

                os.environ.setdefault("WANDB_MODE", "offline")
                self.wandb = wb.init(project="maskwatch", name=self.id, config=params, dir=str(self.dir))
            except Exception as e:  # optional: never let the tracker stop training
                print(f"wandb disabled: {e}", file=sys.stderr)
        self._write()

    def _write(self) -> None:
        tmp = self.dir / "run.json.tmp"
        tmp.write_text(json.dumps(self.data, indent=2))
        tmp.replace(self.dir / "run.json")

    def log_epoch(self, epoch: dict) -> None:
        self.data["epochs"].append(epoch)
        self.data["system"] = self.sampler.summary()
        self._write()
        if self.wandb:
            self.wandb.log(epoch)

    def finish(self, final: dict | None, artifacts: dict, status: str = "completed") -> None:
        self.sampler.stop()
        self.data.update(status=status, finishedAt=now_iso(), final=final, system=self.sampler.summary())
        self.data["params"]["wallSeconds"] = round(time.time() - self.t0, 1)
        from . import plots

        try:
            plots.curves(self.data["epochs"], self.dir / "curves.png", title=self.id)
            artifacts.setdefault("curves", "curves.png")
            if final:
                plots.confusion(final["confusion"], final["labels"], self.dir / "confusion.png", title=self.id)
                artifacts.setdefault("confusion", "confusion.png")
            plots.system(self.sampler.samples, self.dir / "system.png", title=self.id)
            artifacts.setdefault("system", "system.png")
        except Exception as e:
            print(f"plots failed: {e}", file=sys.stderr)
        self.data["artifacts"] = artifacts
        self._write()
        if self.wandb:
            if final:
                self.wandb.summary.update({"accuracy": final["accuracy"], "maskVsNoMaskAccuracy": final["maskVsNoMaskAccuracy"]})
            self.wandb.finish()
        import_runs(self.dir.parent)

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None and self.data["status"] == "running":
            self.data["params"]["error"] = f"{exc_type.__name__}: {exc}"
            self.finish(None, dict(self.data["artifacts"]), status="failed")
        return False


def import_runs(runs_dir: Path) -> bool:
    """Hands run.json files to the platform DB when the db package has its importer; warns and goes on otherwise."""
    pkg = REPO_ROOT / "packages" / "db" / "package.json"
    try:
        scripts = json.loads(pkg.read_text()).get("scripts", {})
    except (OSError, ValueError):
        scripts = {}
    if "import-runs" not in scripts or shutil.which("npm") is None:
        why = "npm is not on PATH" if shutil.which("npm") is None else "@maskwatch/db has no import-runs script"
        print(f"import-runs: {why}; run.json kept on disk only", file=sys.stderr)
        return False
    cmd = ["npm", "run", "-s", "-w", "@maskwatch/db", "import-runs", "--", str(Path(runs_dir).resolve())]
    try:
        r = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"import-runs failed ({e}); continuing", file=sys.stderr)
        return False
    if r.returncode != 0:
        print(f"import-runs failed (exit {r.returncode}): {r.stderr.strip()[-500:]}; continuing", file=sys.stderr)
        return False
    return True
