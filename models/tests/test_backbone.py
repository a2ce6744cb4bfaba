"""The TFLite -> PyTorch conversion must reproduce the reference ImageNet answers."""
import torch

from maskwatch_models import backbone
from maskwatch_models.nets import MobileNetV2


def test_three_reference_images():
    results = backbone.check(tolerance=0.1)
    assert [r["label"] for r in results] == ["Egyptian cat", "military uniform", "chickadee"]
    for r in results:
        assert abs(r["prob"] - r["expectedProb"]) < 0.1, r


def test_symmetric_padding_would_be_caught():
    """The check is sharp enough to notice a wrong conversion (TF 'SAME' vs symmetric stride-2 padding)."""
    state = backbone.load_imagenet_state()
    net = MobileNetV2(num_classes=1001).eval()
    net.load_state_dict(state)
    x = backbone.imagenet_input(backbone.BACKBONE_DIR / "cat.bmp")
    with torch.no_grad():
        good = torch.softmax(net(x), 1)[0]
        for m in net.modules():
            if isinstance(m, type(net.features[0])) and m.stride == 2:
                m.stride = 1  # skip the asymmetric pad ...
                m.conv.padding = (1, 1)  # ... and pad symmetrically instead
        bad = torch.softmax(net(x), 1)[0]
    assert (good - bad).abs().max() > 0.01
