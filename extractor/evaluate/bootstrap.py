"""Bootstrap confidence intervals: resample articles (not commitments), because
commitments of one article share a text and their errors are not independent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from extractor.evaluate.metrics import COUNT_NAMES, Counts

RESAMPLES: Final = 1000
SEED: Final = 20250403  # fixed: the same run always gets the same interval
LEVEL: Final = 0.95

Matrix = npt.NDArray[np.float64]
_C: Final = {name: i for i, name in enumerate(COUNT_NAMES)}


def _f1(tp: Matrix, n_pred: Matrix, n_gold: Matrix) -> Matrix:
    denominator = n_pred + n_gold
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 2 * tp / denominator, 1.0)


def _share(numerator: Matrix, denominator: Matrix) -> Matrix:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def _commitment_f1(s: Matrix) -> Matrix:
    return _f1(s[:, _C["tp"]], s[:, _C["n_pred"]], s[:, _C["n_gold"]])


def _strict_f1(s: Matrix) -> Matrix:
    return _f1(s[:, _C["strict_tp"]], s[:, _C["n_pred"]], s[:, _C["n_gold"]])


def _party_f1(s: Matrix) -> Matrix:
    tp, fp, fn = s[:, _C["party_tp"]], s[:, _C["party_fp"]], s[:, _C["party_fn"]]
    return np.where(s[:, _C["tp"]] > 0, _f1(tp, tp + fp, tp + fn), np.nan)


def _status_accuracy(s: Matrix) -> Matrix:
    return _share(s[:, _C["status_correct"]], s[:, _C["tp"]])


METRICS: Final[dict[str, Callable[[Matrix], Matrix]]] = {
    "commitment_f1": _commitment_f1,
    "strict_f1": _strict_f1,
    "party_f1": _party_f1,
    "status_accuracy": _status_accuracy,
}


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def resample_sums(articles: list[Counts], resamples: int, seed: int) -> Matrix:
    """Summed counts of ``resamples`` bootstrap samples of the articles (rows)."""
    counts = np.array([a.row() for a in articles], dtype=np.float64)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(articles), size=(resamples, len(articles)))
    return counts[picks].sum(axis=1)  # type: ignore[no-any-return]


def metric_samples(
    articles: list[Counts], resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, Matrix]:
    """Each bootstrapped metric's value in every resample (NaN where undefined).

    Two runs scored on the same gold draw the same articles, so their samples pair up
    and the difference of two runs gets an interval too.
    """
    if not articles or resamples < 1:
        return {name: np.full(0, np.nan) for name in METRICS}
    sums = resample_sums(articles, resamples, seed)
    return {name: metric(sums) for name, metric in METRICS.items()}


def interval(samples: Matrix, level: float = LEVEL) -> Interval | None:
    """Percentile interval of the defined samples; None when none is defined."""
    defined = samples[~np.isnan(samples)]
    if defined.size == 0:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return Interval(float(low), float(high))


def intervals(
    articles: list[Counts], resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, Interval | None]:
    samples = metric_samples(articles, resamples, seed)
    return {name: interval(values) for name, values in samples.items()}
