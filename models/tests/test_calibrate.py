"""Calibration on synthetic logits: the temperature is recovered, τ keeps the false-alert bound and reaches the
target when it can, r splits incorrect from no_mask where it should."""
import math

import numpy as np

from maskwatch_models import calibrate as K
from maskwatch_models import scenes as S


def _synthetic(n, t_true, seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2.5, (n, 3))
    p = S.softmax(logits)
    y = np.array([rng.choice(3, p=row) for row in p])
    return logits * t_true, y  # the model's logits are T times too confident


def test_temperature_is_recovered():
    for t in (0.5, 1.0, 2.5):
        z, y = _synthetic(20000, t, seed=int(t * 10))
        got = K.fit_temperature(z, y)
        assert abs(got - t) / t < 0.06, (t, got)
        assert K.nll(z, y, got) <= K.nll(z, y, 1.0) + 1e-9


def test_tau_meets_both_bounds_when_it_can():
    rng = np.random.default_rng(1)
    p_mask = np.concatenate([rng.beta(9, 1.5, 2000), rng.beta(1.5, 9, 2000)])
    y = np.array([0] * 2000 + [1] * 1000 + [2] * 1000)
    got = K.choose_tau(p_mask, y)
    assert got["targetMet"]
    assert got["falselyAlertedMasked"] <= 0.025 and got["alertedNonCompliant"] >= 0.90
    assert got == {**got, **K.rates(p_mask, y, got["tau"])}
    # the false-alert budget (less the margin) is spent: a hair above τ breaks it
    assert K.rates(p_mask, y, float(np.nextafter(got["tau"], 2.0)))["falselyAlertedMasked"] > 0.025


def test_tau_keeps_the_false_alert_bound_when_the_target_cannot_be_met():
    rng = np.random.default_rng(2)
    p_mask = np.concatenate([rng.beta(3, 2, 2000), rng.beta(2, 2, 2000)])  # overlapping: no τ does both
    y = np.array([0] * 2000 + [1] * 2000)
    got = K.choose_tau(p_mask, y)
    assert not got["targetMet"]
    assert got["falselyAlertedMasked"] <= 0.03
    # the highest such τ: a hair above it breaks the bound
    assert K.rates(p_mask, y, float(np.nextafter(got["tau"], 2.0)))["falselyAlertedMasked"] > 0.03
    assert got["alertedNonCompliant"] < 0.9


def test_ratio_finds_the_boundary():
    rng = np.random.default_rng(3)
    n = 4000
    lr = rng.normal(0, 2, n)  # log p(incorrect) / p(no_mask)
    y = np.where(lr >= math.log(2.0), 2, 1)
    rest = rng.uniform(0.2, 0.9, n)
    p = np.stack([1 - rest, rest / (1 + np.exp(lr)), rest * np.exp(lr) / (1 + np.exp(lr))], 1)
    r = K.choose_ratio(p, y)
    assert abs(math.log(r) - math.log(2.0)) <= 0.06


def test_operating_point_on_synthetic_scene_logits():
    z, y = _synthetic(6000, 2.0, seed=4)
    size = np.tile([20, 28, 40, 64], 1500)
    group = np.arange(6000) // 3
    op = K.operating_point(z, y, size, group, date="2026-12-02")
    assert op["chosenOn"] == "real-scene validation 2026-12-02"
    assert abs(op["temperature"] - 2.0) < 0.15
    assert op["falselyAlertedMasked"] <= 0.03
    assert 0 < op["maskThreshold"] < 1 and op["incorrectRatio"] > 0 and 0 <= op["alertMinScore"] <= 0.6
    assert set(op["twoFold"]) == {"alertedNonCompliant", "falselyAlertedMasked"}
    # the same rule as scenes.decide: alerted exactly when p(mask) < τ
    big = size >= K.MIN_SIZE
    pred = S.decide(z[big], op)
    assert abs((pred[y[big] == 0] != 0).mean() - op["falselyAlertedMasked"]) < 1e-3
