"""Property-based tests (hypothesis): JSON repair, grounding offsets on arbitrary unicode,
normalization, the gold-file reader and the scorer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractor.errors import ConfigError
from extractor.evaluate.loading import load_gold
from extractor.evaluate.scoring import score_run
from extractor.grounding import locate, mask_instructions
from extractor.normalize import (
    action_similarity,
    merge_duplicates,
    normalize_sector,
)
from extractor.parsing import ParseError, parse_answer
from extractor.schemas.records import Commitment, Evidence, GoldArticle, OutputLine, Party
from extractor.schemas.taxonomy import SECTORS, STATUSES, status_rank
from extractor.status_cues import calibrate_status

STATUS_LIST = list(STATUSES)
SLOW = settings(max_examples=12, deadline=None)  # score_run is the costly part
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)
containers = st.one_of(st.lists(json_values, max_size=4),
                       st.dictionaries(st.text(max_size=8), json_values, max_size=4))
prose = st.text(alphabet=st.characters(blacklist_characters="{}[]`"), max_size=40)


# --- parsing.py: JSON repair ------------------------------------------------------------


@FAST
@given(containers)
def test_plain_json_round_trips(value: Any) -> None:
    assert parse_answer(json.dumps(value)).data == value


@FAST
@given(containers, prose, prose)
def test_json_in_a_fence_with_prose_around(value: Any, before: str, after: str) -> None:
    text = f"{before}\n```json\n{json.dumps(value, indent=1)}\n```\n{after}"
    assert parse_answer(text).data == value


@FAST
@given(containers, prose)
def test_trailing_prose_is_ignored(value: Any, after: str) -> None:
    assert parse_answer(json.dumps(value) + "\n" + after).data == value


@FAST
@given(st.lists(st.dictionaries(st.text(max_size=6), st.text(max_size=10), min_size=1,
                                max_size=3), min_size=1, max_size=5), st.data())
def test_cut_answer_keeps_a_prefix_of_complete_items(items: list[dict[str, str]],
                                                      data: st.DataObject) -> None:
    text = json.dumps({"commitments": items})
    cut = data.draw(st.integers(min_value=len('{"commitments": ['), max_value=len(text) - 1))
    try:
        parsed = parse_answer(text[:cut])
    except ParseError:
        return
    kept = parsed.data.get("commitments") if isinstance(parsed.data, dict) else None
    if kept is not None and parsed.salvaged:
        assert kept == items[: len(kept)]


@FAST
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_parse_error(text: str) -> None:
    try:
        parsed = parse_answer(text)
    except ParseError as exc:
        assert len(str(exc)) < 400  # the message quotes a short snippet only
        return
    assert isinstance(parsed.data, (dict, list))


# --- grounding.py: offsets always index the original text -------------------------------


@FAST
@given(st.text(min_size=1, max_size=200), st.data())
def test_exact_quote_offsets_index_the_original(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    assume(quote.strip().strip("\"'“”"))
    found = locate(quote, text)
    assert found is not None
    assert 0 <= found.start < found.end <= len(text)
    assert text[found.start : found.end] == quote.strip().strip("\"'“”") or str(
        found.alignment
    ) != "exact"


@FAST
@given(st.text(max_size=200), st.text(max_size=60), st.integers(0, 300) | st.none())
def test_any_located_span_is_inside_the_text(text: str, quote: str, hint: int | None) -> None:
    found = locate(quote, text, hint=hint)
    if found is not None:
        assert 0 <= found.start < found.end <= len(text)


@FAST
@given(st.text(max_size=100), st.text(min_size=12, max_size=60), st.text(max_size=100))
def test_reformatted_quote_is_found_where_it_stands(before: str, quote: str,
                                                    after: str) -> None:
    assume(quote.strip() and quote == quote.strip())
    text = before + " " + quote + " " + after
    found = locate(" ".join(quote.split()).upper(), text)
    if found is not None:
        assert 0 <= found.start < found.end <= len(text)


@FAST
@given(st.text(max_size=300))
def test_masking_keeps_length_and_newlines(text: str) -> None:
    masked, count = mask_instructions(text)
    assert len(masked) == len(text) and count >= 0
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]


# --- normalize.py -----------------------------------------------------------------------


@FAST
@given(st.text(max_size=40))
def test_any_sector_word_maps_into_the_taxonomy(word: str) -> None:
    key, _ = normalize_sector(word)
    assert key in SECTORS


@FAST
@given(st.sampled_from(STATUS_LIST), st.text(max_size=200), st.booleans())
def test_calibrated_status_is_a_status(status: str, sentence: str, lift: bool) -> None:
    result = calibrate_status(status, sentence, raise_discussed=lift)
    assert result in STATUSES
    if not lift or status != "discussed":
        assert status_rank(result) <= status_rank(status)  # only ever lowered


@FAST
@given(st.text(max_size=80), st.text(max_size=80))
def test_action_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert action_similarity(a, b) == action_similarity(b, a)
    assert 0.0 <= action_similarity(a, b) <= 1.0
    assert action_similarity(a, a) == 1.0


PARTIES = [Party(name="Tajikistan", type="country", country="TJ", code="TJ"),
           Party(name="Tatarstan", type="region", country="RU", code="RU-TA")]
WORDS = ["build", "bridge", "road", "school", "open", "factory", "expand", "trade", "grid"]


@st.composite
def commitments(draw: st.DrawFn) -> Commitment:
    start = draw(st.integers(0, 500))
    return Commitment(
        sector=draw(st.sampled_from(sorted(SECTORS))),
        parties=[draw(st.sampled_from(PARTIES))],
        action=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))),
        status=draw(st.sampled_from(STATUS_LIST)),
        evidence=[Evidence(quote="q" * draw(st.integers(1, 5)), start=start,
                           end=start + draw(st.integers(1, 50)))],
    )


@FAST
@given(st.lists(commitments(), max_size=8))
def test_merge_duplicates_is_idempotent_and_loses_no_evidence(items: list[Commitment]) -> None:
    merged = merge_duplicates(items)
    assert len(merged) <= len(items)
    spans = {(e.start, e.end) for c in items for e in c.evidence}
    assert {(e.start, e.end) for c in merged for e in c.evidence} == spans
    again = merge_duplicates(merged)
    assert [c.model_dump() for c in again] == [c.model_dump() for c in merged]


# --- evaluate/loading.py: the gold-file reader ------------------------------------------


TEXT = ("The sides agreed to build a bridge. They discussed a school. "
        "Tatarstan will open a factory. Both expand trade and the grid.")


@st.composite
def gold_articles(draw: st.DrawFn, index: int = 0) -> GoldArticle:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        sentence = draw(st.sampled_from([s + "." for s in TEXT.split(". ") if s]))
        items.append(Commitment(
            sector=draw(st.sampled_from(sorted(SECTORS))), parties=[draw(st.sampled_from(PARTIES))],
            action=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4))),
            status=draw(st.sampled_from(STATUS_LIST)),
            evidence=[Evidence(quote=sentence.rstrip(".") if sentence not in TEXT else sentence)],
        ))
    return GoldArticle(id=f"g{index}", title=draw(st.text(max_size=20)), text=TEXT,
                       commitments=items)


@st.composite
def gold_sets(draw: st.DrawFn) -> list[GoldArticle]:
    count = draw(st.integers(1, 4))
    return [draw(gold_articles(index=n)) for n in range(count)]


@FAST
@given(gold_sets())
def test_gold_file_round_trips(tmp_path_factory: pytest.TempPathFactory,
                               gold: list[GoldArticle]) -> None:
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    path.write_text("\n".join(g.model_dump_json() for g in gold) + "\n", encoding="utf-8")
    assert load_gold(path) == gold


@FAST
@given(st.lists(st.text(max_size=80), min_size=1, max_size=5))
def test_any_gold_file_loads_or_raises_config_error(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    path: Path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        load_gold(path)
    except ConfigError as exc:
        assert str(path) in str(exc)


# --- evaluate/scoring.py ----------------------------------------------------------------


def _as_predictions(gold: list[GoldArticle]) -> dict[str, OutputLine]:
    return {g.id: OutputLine(id=g.id, commitments=g.commitments) for g in gold}


@SLOW
@given(gold_sets())
def test_gold_scored_against_itself_is_perfect(gold: list[GoldArticle]) -> None:
    score = score_run(gold, _as_predictions(gold), resamples=0)
    totals = score.totals
    assert totals.tp == totals.n_pred == totals.n_gold
    assert totals.strict_tp == totals.tp and totals.status_correct == totals.tp
    headline = score.headline
    assert headline.commitment.f1 == 1.0
    assert headline.strict.f1 == 1.0


@SLOW
@given(gold_sets(), gold_sets())
def test_swapping_gold_and_predictions_swaps_precision_and_recall(
    first: list[GoldArticle], second: list[GoldArticle]
) -> None:
    second = [GoldArticle(**{**b.model_dump(), "id": a.id})
              for a, b in zip(first, second, strict=False)]
    assume(second)
    first = first[: len(second)]
    forward = score_run(first, _as_predictions(second), resamples=0).headline.commitment
    backward = score_run(second, _as_predictions(first), resamples=0).headline.commitment
    assert forward.tp == backward.tp
    assert forward.precision == pytest.approx(backward.recall)
    assert forward.f1 == pytest.approx(backward.f1)


def test_line_separators_inside_strings_do_not_split_records(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Regression (found by test_gold_file_round_trips): U+2028 and U+0085 are left raw by
    JSON encoders but are line breaks to str.splitlines()."""
    import io

    from extractor.inputs import iter_articles

    text = "Tajikistan\u2028and Uzbekistan\x85agreed."
    gold = GoldArticle(id="g", text=text)
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold.model_dump(), ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_gold(path) == [gold]
    stdin = json.dumps({"id": "a", "text": text}, ensure_ascii=False) + "\n"
    stdin += json.dumps({"id": "b", "text": "Second."}) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    articles = list(iter_articles(["-"]))
    assert [(a.id, a.text, a.error) for a in articles] == [("a", text, None),
                                                           ("b", "Second.", None)]
