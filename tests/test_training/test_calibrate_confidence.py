"""The confidence calibrator's fitting: it finds the ridge logistic regression the hand-written
Newton's method found, weights count questions, and the news figures are cross-fitted (no news
question scored by a calibrator that saw it)."""

from __future__ import annotations

import numpy as np
import pytest

import training.calibrate_confidence as calibrate
from qa.answering.readers.confidence import FEATURES, Calibrator
from training.calibrate_confidence import L2, cross_fitted, fit


def _questions(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Questions whose right answers have larger margins (the first feature)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(count, len(FEATURES)))
    y = (rng.random(count) < 1.0 / (1.0 + np.exp(-2.0 * x[:, 0]))).astype(float)
    return x, y


PINNED_ECE, PINNED_RANGE, PINNED_FLOOR = 0.2244, [0.1549, 0.3014], 0.1427
"""cross_fitted's figures on the fixed questions below (random features, one column per entry of
FEATURES: 33 since the condition signals), as the fit (identical to the Newton's-method one, see
above) gives them; a scored-on-its-own-fit question or a fold left out moves them."""


def _newton(x: np.ndarray, y: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The fit as it was written before scikit-learn did it: Newton's method on the weighted,
    ridge-penalised log-loss of standardised features, the intercept (w[0]) not shrunk."""
    means = np.average(x, axis=0, weights=rows)
    scales = np.sqrt(np.average((x - means) ** 2, axis=0, weights=rows))
    scales[scales == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (rows * (p - y)) + penalty * w
        hessian = (z * (rows * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def test_the_fit_is_the_ridge_solution_newtons_method_found() -> None:
    x, y = _questions(400, 4)
    x[:, 3] = 2.5  # a feature that never varies: its scale is taken as 1
    x[:, 5] = 3.0 * x[:, 0] + 0.1 * x[:, 5]  # two features that say nearly the same
    rows = np.r_[np.ones(330), np.full(70, 5.0)]  # SQuAD questions, then news ones at 5
    calibrator = fit(x, y, "synthetic", rows)
    newton = _newton(x, y, rows)
    assert calibrator.bias == pytest.approx(newton[0], abs=1e-4)
    assert calibrator.weights == pytest.approx(list(newton[1:]), abs=1e-4)
    assert calibrator.weights[3] == 0.0
    # The intercept is not shrunk: with many more right answers than wrong ones and nothing
    # else to go by, the bias is the log-odds of the share right, not pulled towards 0.
    skewed = np.r_[np.ones(90), np.zeros(10)]
    flat = fit(np.zeros((100, len(FEATURES))), skewed, "skewed")
    assert flat.bias == pytest.approx(np.log(9.0), abs=1e-6)


def test_a_weight_of_two_is_the_same_as_asking_the_question_twice() -> None:
    x, y = _questions(60, 1)
    weighted = fit(x, y, "w", np.r_[np.full(30, 2.0), np.ones(30)])
    doubled = fit(np.vstack([x[:30], x]), np.r_[y[:30], y], "d")
    assert np.allclose(weighted.weights, doubled.weights, atol=1e-6)
    assert abs(weighted.bias - doubled.bias) < 1e-6
    assert weighted.weights[0] > 0.5  # the margin's real effect is found
    unweighted = fit(x, y, "u")
    assert not np.allclose(weighted.weights, unweighted.weights, atol=1e-3)


def test_the_news_figures_are_cross_fitted_and_set_against_perfect_calibration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    squad = _questions(300, 2)
    x, y = _questions(40, 3)
    x[:, FEATURES.index("agreement")] = 5.0  # every question passes the "in the articles" gate
    news = {tuple(row) for row in x}
    scored: list[tuple[float, ...]] = []

    class Spy(Calibrator):
        """A fitted calibrator that refuses to score a question it was fitted on."""

        seen: frozenset[tuple[float, ...]] = frozenset()

        def of_features(self, values: list[float]) -> float:
            assert tuple(values) not in self.seen, "a news question scored by its own fit"
            scored.append(tuple(values))
            return super().of_features(values)

    def spying_fit(
        fx: np.ndarray, fy: np.ndarray, fitted_on: str, fw: np.ndarray | None = None
    ) -> Calibrator:
        spy = Spy(**vars(fit(fx, fy, fitted_on, fw)))
        spy.seen = frozenset(tuple(row) for row in fx) & news
        assert spy.seen, "the news questions are left out of the fit"
        return spy

    monkeypatch.setattr(calibrate, "fit", spying_fit)
    pairs: list[tuple[float, bool]] = []
    report = cross_fitted(x, y, 5.0, squad, pairs)
    # Every news question scored once per split.
    assert sorted(scored) == sorted([tuple(row) for row in x] * calibrate.SPLITS)
    assert [right for _, right in pairs] == [bool(v) for v in y]
    assert all(0.0 < shown < 1.0 for shown, _ in pairs)
    # The figures on these fixed questions, as the Newton's-method fit gave them (a calibrator
    # scored on its own questions, or a fold left out, moves them).
    assert report["questions"] == 40
    assert report["ece, mean of the splits"] == pytest.approx(PINNED_ECE, abs=2e-3)
    assert report["ece, lowest and highest split"] == pytest.approx(PINNED_RANGE, abs=2e-3)
    assert report["ece of a perfectly calibrated confidence on these answers, mean"] == (
        pytest.approx(PINNED_FLOOR, abs=2e-3)
    )
