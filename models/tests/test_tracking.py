"""The system sampler records GPU figures as flat numbers, the only kind the console's run page charts."""
import json
import os
import stat

from maskwatch_models import plots
from maskwatch_models import tracking as T

# what `nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw
# --format=csv,noheader,nounits` prints on a two-GPU machine (the second one without a power reading)
NVIDIA_SMI = """#!/bin/sh
echo "87, 20480, 143771, 54, 412.50"
echo "3, 512, 143771, 31, [N/A]"
"""


def _fake_nvidia_smi(tmp_path, monkeypatch):
    exe = tmp_path / "nvidia-smi"
    exe.write_text(NVIDIA_SMI)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")


def test_gpu_figures_are_flat_numbers(tmp_path, monkeypatch):
    _fake_nvidia_smi(tmp_path, monkeypatch)
    sampler = T.SystemSampler(tmp_path / "system.jsonl")
    assert sampler.has_gpu
    s = sampler.sample()
    assert s["gpu0UtilPercent"] == 87 and s["gpu0MemUsedMb"] == 20480 and s["gpu0PowerW"] == 412.5
    assert s["gpu0MemPercent"] == round(100 * 20480 / 143771, 1)
    assert s["gpu1UtilPercent"] == 3 and "gpu1PowerW" not in s, "a figure nvidia-smi does not give is left out"
    # everything but the optional disk counters is a number at the top level (readSystemSeries keeps only those)
    assert all(isinstance(v, (int, float)) for k, v in s.items() if not k.startswith("disk")), s
    json.dumps(s)
    plots.system([s, {**s, "t": s["t"] + 60}], tmp_path / "system.png", "two GPUs")
    assert (tmp_path / "system.png").stat().st_size > 1000


def test_no_gpu_no_gpu_fields(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no nvidia-smi here
    sampler = T.SystemSampler(tmp_path / "system.jsonl")
    assert not sampler.has_gpu
    assert not [k for k in sampler.sample() if k.startswith("gpu")]
