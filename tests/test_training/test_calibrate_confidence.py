"""The confidence calibrator's fitting: weights count questions, and the news figures are
cross-fitted (no news question scored by a calibrator that saw it)."""

from __future__ import annotations

import numpy as np

from qa.answering.readers.confidence import FEATURES
from training.calibrate_confidence import cross_fitted, fit


def _questions(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Questions whose right answers have larger margins (the first feature)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(count, len(FEATURES)))
    y = (rng.random(count) < 1.0 / (1.0 + np.exp(-2.0 * x[:, 0]))).astype(float)
    return x, y


def test_a_weight_of_two_is_the_same_as_asking_the_question_twice() -> None:
    x, y = _questions(60, 1)
    weighted = fit(x, y, "w", np.r_[np.full(30, 2.0), np.ones(30)])
    doubled = fit(np.vstack([x[:30], x]), np.r_[y[:30], y], "d")
    assert np.allclose(weighted.weights, doubled.weights, atol=1e-6)
    assert abs(weighted.bias - doubled.bias) < 1e-6
    assert weighted.weights[0] > 0.5  # the margin's real effect is found


def test_the_news_figures_are_cross_fitted_and_set_against_perfect_calibration() -> None:
    squad = _questions(300, 2)
    x, y = _questions(40, 3)
    x[:, FEATURES.index("agreement")] = 5.0  # every question passes the "in the articles" gate
    pairs: list[tuple[float, bool]] = []
    report = cross_fitted(x, y, 5.0, squad, pairs)
    assert [right for _, right in pairs] == [bool(v) for v in y]
    assert all(0.0 < shown < 1.0 for shown, _ in pairs)
    low, high = report["ece, lowest and highest split"]  # type: ignore[misc]
    assert 0.0 <= low <= report["ece, mean of the splits"] <= high <= 1.0  # type: ignore[operator]
    assert 0.0 < report["ece of a perfectly calibrated confidence on these answers, mean"] < 0.5  # type: ignore[operator]
