"""Counts per article and the metrics of docs/REFERENCE.md section 5 computed from their sums.

Every metric is a function of summed counts, so totals, per-sector numbers and the
bootstrap (which re-sums resampled articles) share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Counts:
    tp: int = 0  # matched pairs
    n_pred: int = 0  # predicted commitments
    n_gold: int = 0  # gold commitments
    status_correct: int = 0  # matched pairs with the gold status
    strict_tp: int = 0  # matched pairs whose party-key sets and statuses agree
    party_tp: int = 0  # party keys in both sides of a matched pair
    party_fp: int = 0  # predicted party keys the gold pair lacks
    party_fn: int = 0  # gold party keys the prediction lacks
    quotes: int = 0  # predicted evidence quotes
    grounded: int = 0  # ... of them found verbatim in the article
    empty_gold: int = 0  # 1 when the article has no gold commitment
    empty_ok: int = 0  # 1 when such an article also has no prediction

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def row(self) -> list[int]:
        return [getattr(self, name) for name in COUNT_NAMES]


COUNT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Counts))


def total(counts: list[Counts]) -> Counts:
    result = Counts()
    for item in counts:
        result = result + item
    return result


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of ``tp`` hits among ``n_pred`` claims and ``n_gold`` truths.

    With nothing predicted precision is 1.0 (no false claim), with nothing to find
    recall is 1.0 (nothing missed); F1 = 2tp / (n_pred + n_gold), 1.0 when both are 0.
    """

    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        denominator = self.n_pred + self.n_gold
        return 2 * self.tp / denominator if denominator else 1.0


def ratio(numerator: int, denominator: int) -> float | None:
    """A share, or None when there is nothing to share (reported as n/a)."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Headline:
    commitment: PRF
    strict: PRF
    party: PRF | None  # None when no pair matched
    status_accuracy: float | None
    grounding_rate: float | None
    empty_accuracy: float | None

    @classmethod
    def of(cls, c: Counts) -> Headline:
        party = (
            PRF(c.party_tp, c.party_tp + c.party_fp, c.party_tp + c.party_fn) if c.tp else None
        )
        return cls(
            commitment=PRF(c.tp, c.n_pred, c.n_gold),
            strict=PRF(c.strict_tp, c.n_pred, c.n_gold),
            party=party,
            status_accuracy=ratio(c.status_correct, c.tp),
            grounding_rate=ratio(c.grounded, c.quotes),
            empty_accuracy=ratio(c.empty_ok, c.empty_gold),
        )

    def values(self) -> dict[str, float | None]:
        """The numbers a comparison of two runs puts side by side."""
        return {
            "commitment_precision": self.commitment.precision,
            "commitment_recall": self.commitment.recall,
            "commitment_f1": self.commitment.f1,
            "party_f1": self.party.f1 if self.party else None,
            "status_accuracy": self.status_accuracy,
            "strict_f1": self.strict.f1,
            "grounding_rate": self.grounding_rate,
            "empty_article_accuracy": self.empty_accuracy,
        }
