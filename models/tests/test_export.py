"""ONNX export: float parity with PyTorch, dynamic batch, int8 model runs and stays close."""
import numpy as np
import torch

from maskwatch_models import export as E
from maskwatch_models.nets import build


def _inputs(n):
    return np.random.default_rng(0).uniform(-1, 1, (n, 3, 128, 128)).astype(np.float32)


def test_fp32_parity_and_dynamic_batch(tmp_path):
    for kind in ("cnn", "mobilenetv2"):
        torch.manual_seed(0)
        net = build(kind, pretrained=(kind == "mobilenetv2")).eval()
        path = tmp_path / f"{kind}.onnx"
        E.export_fp32(net, path)
        sess = E.session(path)
        assert [i.name for i in sess.get_inputs()] == ["input"] and [o.name for o in sess.get_outputs()] == ["logits"]
        for n in (1, 5):
            x = _inputs(n)
            got = sess.run(["logits"], {"input": x})[0]
            with torch.no_grad():
                ref = net(torch.from_numpy(x)).numpy()
            assert got.shape == (n, 3)
            assert np.abs(got - ref).max() < E.PARITY_TOL
            assert (got.argmax(1) == ref.argmax(1)).all()


def test_int8_export_runs(tmp_path):
    torch.manual_seed(0)
    net = build("cnn").eval()
    fp32, int8 = tmp_path / "a.onnx", tmp_path / "b.onnx"
    E.export_fp32(net, fp32)
    E.export_int8(fp32, int8, _inputs(16))
    x = _inputs(4)
    a = E.session(fp32).run(["logits"], {"input": x})[0]
    b = E.session(int8).run(["logits"], {"input": x})[0]
    assert b.shape == (4, 3)
    assert int8.stat().st_size < fp32.stat().st_size
    assert np.abs(a - b).max() < 0.25 * (np.abs(a).max() + 1e-3)
    assert any(n.op_type == "QuantizeLinear" for n in __import__("onnx").load(str(int8)).graph.node)
