"""The scorer of docs/REFERENCE.md section 5: perfect runs score 1.0, each kind of error lowers
exactly the numbers it should, and the gold set itself is valid and grounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.evaluate.matching import match
from extractor.evaluate.metrics import Headline
from extractor.evaluate.party_keys import PartyKeys
from extractor.evaluate.scoring import RunScore, score_run
from extractor.evaluate.similarity import ACTION_THRESHOLD, action_similarity
from extractor.schemas.records import (
    ArticleError,
    Commitment,
    Evidence,
    GoldArticle,
    OutputLine,
    Party,
)

ROOT_DIR = Path(__file__).resolve().parents[1]
DEV = ROOT_DIR / "eval" / "gold" / "dev.jsonl"
RESAMPLES = 50

TEXT = (
    "Rahmon highlighted priorities such as industry and energy. "
    "The sides agreed to open a joint textile factory in Dushanbe. "
    "They also discussed scholarships for Tajik students. "
    "Tatarstan pledged to deliver medical equipment."
)
TJ = Party(name="Tajikistan", type="country", country="TJ", code="TJ")
TA = Party(name="Tatarstan", type="region", country="RU", code="RU-TA")


def gold_commitment(sector: str, action: str, status: str, quote: str) -> Commitment:
    assert quote in TEXT
    return Commitment(
        sector=sector, parties=[TJ, TA], action=action, status=status,
        evidence=[Evidence(quote=quote)],
    )


GOLD_ITEMS = [
    gold_commitment("industry", "cooperate in industry", "discussed",
                    "Rahmon highlighted priorities such as industry and energy."),
    gold_commitment("energy", "cooperate in energy", "discussed",
                    "Rahmon highlighted priorities such as industry and energy."),
    gold_commitment("industry", "open a joint textile factory in Dushanbe", "agreed",
                    "The sides agreed to open a joint textile factory in Dushanbe."),
    gold_commitment("education", "provide scholarships for Tajik students", "discussed",
                    "They also discussed scholarships for Tajik students."),
    gold_commitment("health", "deliver medical equipment", "intended",
                    "Tatarstan pledged to deliver medical equipment."),
]
GOLD = [
    GoldArticle(id="a", text=TEXT, commitments=GOLD_ITEMS),
    GoldArticle(id="empty", text="The leaders met in Dushanbe.", commitments=[]),
]


def grounded(commitment: Commitment, text: str) -> Commitment:
    """The commitment as the pipeline emits it: evidence with start/end."""
    evidence = []
    for e in commitment.evidence:
        start = text.find(e.quote)
        evidence.append(Evidence(quote=e.quote, start=start, end=start + len(e.quote)))
    return commitment.model_copy(update={"evidence": evidence}, deep=True)


def perfect(gold: list[GoldArticle]) -> dict[str, OutputLine]:
    return {
        g.id: OutputLine(id=g.id, commitments=[grounded(c, g.text) for c in g.commitments])
        for g in gold
    }


@pytest.fixture(scope="module")
def keys() -> PartyKeys:
    return PartyKeys()


def score(preds: dict[str, OutputLine], keys: PartyKeys) -> RunScore:
    return score_run(GOLD, preds, keys=keys, resamples=RESAMPLES)


def edit(preds: dict[str, OutputLine], index: int, **update: object) -> dict[str, OutputLine]:
    line = preds["a"]
    items = list(line.commitments)
    items[index] = items[index].model_copy(update=update)
    return {**preds, "a": line.model_copy(update={"commitments": items})}


def numbers(h: Headline) -> dict[str, float | None]:
    return {**h.values(), "party_f1": h.party.f1 if h.party else None}


BASE = dict.fromkeys(
    ["commitment_precision", "commitment_recall", "commitment_f1", "party_f1",
     "status_accuracy", "strict_f1", "grounding_rate", "empty_article_accuracy"],
    1.0,
)


def changed(preds: dict[str, OutputLine], keys: PartyKeys) -> dict[str, float | None]:
    """The metrics that differ from a perfect run's 1.0."""
    values = numbers(score(preds, keys).headline)
    return {k: v for k, v in values.items() if v != BASE[k]}


def test_perfect_run_scores_one_everywhere(keys: PartyKeys) -> None:
    result = score(perfect(GOLD), keys)
    assert numbers(result.headline) == BASE
    assert all(i is not None and i.low == i.high == 1.0 for i in result.intervals.values())
    assert all(p.f1 == 1.0 for p in result.sectors.values())
    assert result.confusion["agreed"]["agreed"] == 1


def test_perfect_dev_gold_scores_one(keys: PartyKeys) -> None:
    from extractor.evaluate.loading import load_gold

    gold = load_gold(DEV)
    result = score_run(gold, perfect(gold), keys=keys, resamples=RESAMPLES)
    assert numbers(result.headline) == BASE


def test_wrong_sector_lowers_commitment_f1(keys: PartyKeys) -> None:
    diff = changed(edit(perfect(GOLD), 4, sector="industry"), keys)
    assert diff["commitment_precision"] == pytest.approx(4 / 5)
    assert diff["commitment_recall"] == pytest.approx(4 / 5)
    assert diff["commitment_f1"] < 1.0 and diff["strict_f1"] < 1.0


def test_missing_party_lowers_party_and_strict_only(keys: PartyKeys) -> None:
    diff = changed(edit(perfect(GOLD), 2, parties=[TJ]), keys)
    assert set(diff) == {"party_f1", "strict_f1"}
    assert diff["strict_f1"] == pytest.approx(4 / 5)


def test_wrong_status_lowers_status_and_strict_only(keys: PartyKeys) -> None:
    result = score(edit(perfect(GOLD), 2, status="signed"), keys)
    diff = {k: v for k, v in numbers(result.headline).items() if v != BASE[k]}
    assert set(diff) == {"status_accuracy", "strict_f1"}
    assert diff["status_accuracy"] == pytest.approx(4 / 5)
    assert result.confusion["agreed"]["signed"] == 1
    assert [i.pred.status for i in result.articles[0].wrong_status] == ["signed"]


def test_invented_commitment_lowers_precision_only(keys: PartyKeys) -> None:
    preds = perfect(GOLD)
    invented = grounded(gold_commitment(
        "security", "fight drug trafficking", "agreed",
        "The sides agreed to open a joint textile factory in Dushanbe."), TEXT)
    line = preds["a"]
    preds["a"] = line.model_copy(update={"commitments": [*line.commitments, invented]})
    diff = changed(preds, keys)
    assert set(diff) == {"commitment_precision", "commitment_f1", "strict_f1"}
    assert diff["commitment_precision"] == pytest.approx(5 / 6)
    assert len(score(preds, keys).articles[0].spurious) == 1


def test_missed_commitment_lowers_recall_only(keys: PartyKeys) -> None:
    preds = perfect(GOLD)
    preds["a"] = preds["a"].model_copy(update={"commitments": preds["a"].commitments[:-1]})
    diff = changed(preds, keys)
    assert set(diff) == {"commitment_recall", "commitment_f1", "strict_f1"}
    assert diff["commitment_recall"] == pytest.approx(4 / 5)
    missed = score(preds, keys).articles[0].missed
    assert [m.action for m in missed] == ["deliver medical equipment"]


def test_ungrounded_quote_lowers_grounding_only(keys: PartyKeys) -> None:
    preds = perfect(GOLD)
    item = preds["a"].commitments[3]
    extra = Evidence(quote="Scholarships will double next year.")
    preds = edit(preds, 3, evidence=[*item.evidence, extra])
    diff = changed(preds, keys)
    assert set(diff) == {"grounding_rate"}
    assert diff["grounding_rate"] == pytest.approx(5 / 6)


def test_spurious_prediction_on_empty_article(keys: PartyKeys) -> None:
    preds = perfect(GOLD)
    text = GOLD[1].text
    spurious = Commitment(
        sector="governance", parties=[TJ], action="meet in Dushanbe", status="implemented",
        evidence=[Evidence(quote=text, start=0, end=len(text))],
    )
    preds["empty"] = OutputLine(id="empty", commitments=[spurious])
    diff = changed(preds, keys)
    assert diff["empty_article_accuracy"] == 0.0
    assert diff["commitment_precision"] == pytest.approx(5 / 6)
    assert "commitment_recall" not in diff


def test_matching_is_one_to_one(keys: PartyKeys) -> None:
    twin = grounded(GOLD_ITEMS[2], TEXT)
    matching = match([twin, twin], [GOLD_ITEMS[2]], TEXT)
    assert len(matching.pairs) == 1 and matching.unmatched_pred == (1,)
    preds = {"a": OutputLine(id="a", commitments=[twin, twin]), "empty": OutputLine(id="empty")}
    gold = [GOLD[0].model_copy(update={"commitments": [GOLD_ITEMS[2]]}), GOLD[1]]
    counts = score_run(gold, preds, keys=keys, resamples=0).totals
    assert (counts.tp, counts.n_pred - counts.tp, counts.n_gold - counts.tp) == (1, 1, 0)


def test_matching_prefers_the_similar_action_when_quotes_are_shared() -> None:
    """Worked example: several industry rows share one quote; actions tell them apart."""
    text = "Priorities are industry, machine engineering and energy."
    rows = [
        Commitment(sector="industry", parties=[TJ, TA], action=action, status="discussed",
                   evidence=[Evidence(quote=text)])
        for action in ("cooperate in industry", "cooperate in machine engineering")
    ]
    preds = [grounded(c, text) for c in reversed(rows)]
    matching = match(preds, rows, text)
    assert {(p.pred, p.gold) for p in matching.pairs} == {(0, 1), (1, 0)}
    assert all(p.similarity == 1.0 for p in matching.pairs)


def test_paraphrase_matches_by_similarity_or_quote() -> None:
    assert action_similarity(
        "increase the number of scholarships for Tajik citizens to study abroad",
        "increase scholarships for Tajik students",
    ) >= ACTION_THRESHOLD
    reworded = grounded(GOLD_ITEMS[2], TEXT).model_copy(update={"action": "build a mill"})
    assert len(match([reworded], [GOLD_ITEMS[2]], TEXT).pairs) == 1  # same quote
    elsewhere = reworded.model_copy(update={"evidence": [Evidence(quote="zzz", start=0, end=6)]})
    assert match([elsewhere], [GOLD_ITEMS[2]], TEXT).pairs == ()


def test_missing_and_failed_lines_count_as_empty(keys: PartyKeys) -> None:
    failed = OutputLine(id="empty", error=ArticleError(type="AnswerError", message="bad"))
    result = score({"empty": failed, "ghost": OutputLine(id="ghost")}, keys)
    assert result.missing == ["a"] and result.errors == ["empty"]
    assert result.unknown_ids == ("ghost",)
    assert result.headline.commitment.recall == 0.0
    assert result.headline.empty_accuracy == 1.0


def test_party_keys_canonicalize_organizations_and_government_bodies(keys: PartyKeys) -> None:
    eu = Party(name="EU", type="organization")
    union = Party(name="European Union", type="organization")
    ministry = Party(name="Ministry of Digital Transformation of Ukraine",
                     type="organization", country="UA")
    university = Party(name="Moscow State University", type="organization", country="RU")
    assert keys.key(eu) == keys.key(union) == "european union"
    assert keys.key(ministry) == "UA"
    assert keys.harmonize(ministry) == Party(name="Ukraine", type="country", country="UA",
                                             code="UA")
    assert keys.harmonize(university) is university


def test_dev_gold_is_valid_and_grounded() -> None:
    lines = DEV.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 44
    ids = []
    for line in lines:
        article = GoldArticle.model_validate_json(line)
        ids.append(article.id)
        for commitment in article.commitments:
            for evidence in commitment.evidence:
                assert evidence.quote in article.text, (article.id, evidence.quote)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert "tajikistan-tatarstan" in ids


def test_example_gold_follows_spec_section_7() -> None:
    article = next(
        GoldArticle.model_validate_json(line)
        for line in DEV.read_text(encoding="utf-8").splitlines()
        if '"id": "tajikistan-tatarstan"' in line
    )
    assert len(article.commitments) == 12
    assert all({p.key for p in c.parties} == {"TJ", "RU-TA"} for c in article.commitments)
    trade = [c for c in article.commitments if c.sector == "trade"]
    assert len(trade) == 1 and trade[0].date == "2024-10"


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_cli_eval_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = _write(tmp_path / "gold.jsonl", [g.model_dump_json() for g in GOLD])
    preds = perfect(GOLD)
    pred = _write(tmp_path / "pred.jsonl", [p.model_dump_json() for p in preds.values()])
    html = tmp_path / "report.html"
    code = main(["eval", "--gold", str(gold), "--pred", str(pred), "--json",
                 "--resamples", "20", "--html", str(html)])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["commitment"]["f1"] == 1.0
    assert report["similarity"] == "content-words"
    assert report["empty_articles"]["articles"] == 1
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_eval_text_compare_and_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = _write(tmp_path / "gold.jsonl", [g.model_dump_json() for g in GOLD])
    good = _write(tmp_path / "a.jsonl", [p.model_dump_json() for p in perfect(GOLD).values()])
    worse = _write(tmp_path / "b.jsonl", [OutputLine(id="a").model_dump_json()])
    assert main(["eval", "--gold", str(gold), "--pred", str(worse), "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    assert "commitment F1" in out and "NO PREDICTION LINE" in out and "MISSED" in out
    assert main(["eval", "--gold", str(gold), "--compare", str(good), str(worse),
                 "--resamples", "20"]) == 0
    assert "B - A" in capsys.readouterr().out
    assert main(["eval", "--gold", str(gold)]) == 2
    assert main(["eval", "--gold", str(tmp_path / "nope.jsonl"), "--pred", str(good)]) == 2
    bad = _write(tmp_path / "bad.jsonl", ['{"id": "a", "commitments": [{"sector": "x"}]}'])
    assert main(["eval", "--gold", str(gold), "--pred", str(bad)]) == 2
    assert "bad.jsonl:1: not a valid prediction" in capsys.readouterr().err


def test_cli_eval_extracts_with_a_backend(tmp_path: Path) -> None:
    """``--backend replay`` with no recordings: every article fails, every line is kept
    and scored as an empty prediction."""
    gold = _write(tmp_path / "gold.jsonl", [g.model_dump_json() for g in GOLD])
    replay = _write(tmp_path / "replay.jsonl", [])
    out = tmp_path / "out.jsonl"
    # Passages: every article sends a request (a screen may keep no sentence of one).
    code = main(["eval", "--gold", str(gold), "--backend", "replay", "--replay", str(replay),
                 "--out", str(out), "--quiet", "--json", "--resamples", "0",
                 "--strategy", "passages"])
    assert code == 0
    lines = [OutputLine.model_validate_json(t) for t in out.read_text().splitlines()]
    assert [line.id for line in lines] == ["a", "empty"]
    assert all(line.error is not None for line in lines)


@pytest.mark.parametrize("path", sorted((ROOT_DIR / "eval" / "gold").glob("*.jsonl")),
                         ids=lambda p: p.name)
def test_every_gold_file_is_valid_and_grounded(path: Path) -> None:
    """Every gold JSONL in eval/gold/ (the dev set and its subsets), not only dev.jsonl."""
    for line in path.read_text(encoding="utf-8").splitlines():
        article = GoldArticle.model_validate_json(line)
        for commitment in article.commitments:
            for evidence in commitment.evidence:
                assert evidence.quote in article.text, (path.name, article.id, evidence.quote)
