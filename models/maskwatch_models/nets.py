"""The two classifiers: the seed CNN and MobileNetV2 1.0 in the TF-slim layout (so the ImageNet weights load)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .paths import LABELS


class SeedCNN(nn.Module):
    """The paper's seed model: zero padding, 32 7x7 filters, batch norm, ReLU, two 4x4 max pools, flatten, dense."""

    def __init__(self, num_classes: int = len(LABELS), size: int = 128):
        super().__init__()
        self.features = nn.Sequential(
            nn.ZeroPad2d(3),
            nn.Conv2d(3, 32, 7, bias=False),
            nn.BatchNorm2d(32),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(4),
            nn.MaxPool2d(4),
        )
        self.classifier = nn.Linear(32 * (size // 16) ** 2, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


class ConvReLU6(nn.Module):
    """Conv with folded batch norm (so a bias) and TF 'SAME' padding.

    For stride 2 TF pads (0, 1) rather than (1, 1) on even inputs; with symmetric padding the pretrained weights
    see a one-pixel shift at every downsampling and ImageNet accuracy drops. Inputs are 224 or 128, so every map
    that a stride-2 conv sees has an even side.
    """

    def __init__(self, cin: int, cout: int, k: int, stride: int = 1, groups: int = 1, act: bool = True):
        super().__init__()
        self.stride, self.k, self.act = stride, k, act
        pad = 0 if stride == 2 else k // 2
        self.conv = nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 2 and self.k > 1:
            x = F.pad(x, (0, 1, 0, 1))
        x = self.conv(x)
        return F.relu6(x) if self.act else x


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expand: int):
        super().__init__()
        hidden = cin * expand
        layers: list[nn.Module] = []
        if expand != 1:
            layers.append(ConvReLU6(cin, hidden, 1))
        layers += [ConvReLU6(hidden, hidden, 3, stride, groups=hidden), ConvReLU6(hidden, cout, 1, act=False)]
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.block(x)
        return x + y if self.residual else y


# (expansion, channels, repeats, first stride), as in the MobileNetV2 paper table 2
_CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


class MobileNetV2(nn.Module):
    def __init__(self, num_classes: int = len(LABELS), dropout: float = 0.2, head: str = "linear"):
        super().__init__()
        layers: list[nn.Module] = [ConvReLU6(3, 32, 3, 2)]
        cin = 32
        for t, c, n, s in _CFG:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(ConvReLU6(cin, 1280, 1))
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        # "wide": one hidden layer of 256 before the logits (more capacity where the pooled features are mixed)
        self.classifier = nn.Linear(1280, num_classes) if head == "linear" else nn.Sequential(nn.Linear(1280, 256), nn.ReLU(inplace=True), nn.Dropout(dropout), nn.Linear(256, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x).mean((2, 3))
        return self.classifier(self.dropout(x))

    def convs(self) -> list[nn.Conv2d]:
        """Convolutions in execution order (the order of the TFLite operators)."""
        return [m for m in self.features.modules() if isinstance(m, nn.Conv2d)]


HEADS = ("linear", "wide")


def build(model: str, pretrained: bool = True, head: str = "linear", size: int = 128) -> nn.Module:
    if model == "cnn":
        return SeedCNN(size=size)
    if model == "mobilenetv2":
        if head not in HEADS:
            raise ValueError(f"unknown head {head!r}: expected one of {HEADS}")
        net = MobileNetV2(head=head)
        if pretrained:
            from .backbone import load_imagenet_state

            state = load_imagenet_state()
            feats = {k: v for k, v in state.items() if k.startswith("features.")}
            missing = net.load_state_dict(feats, strict=False)
            assert not [k for k in missing.missing_keys if k.startswith("features.")], missing
        return net
    raise ValueError(f"unknown model {model!r}: expected 'cnn' or 'mobilenetv2'")


def count_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())
