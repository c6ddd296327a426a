"""The pipeline end to end over FakeBackend: render -> call -> validate/re-ask -> ground ->
resolve parties -> normalize -> one OutputLine per article."""

from __future__ import annotations

import io
import json
from typing import Any

from conftest import MakeExtractor

from extractor.answers import validate_answer
from extractor.articles import Article
from extractor.backends.base import Completion, CompletionRequest
from extractor.errors import TransientBackendError
from extractor.output import LineWriter
from extractor.runner import run_job
from extractor.schemas.answer import answer_json_schema
from extractor.schemas.records import Commitment, OutputLine

SEED = "seed"


def _check_grounded(line: OutputLine, text: str) -> None:
    for item in line.commitments:
        assert item.grounded
        for ev in item.evidence:
            assert ev.start is not None and ev.end is not None
            assert text[ev.start : ev.end] == ev.quote


def _keys(item: Commitment) -> set[str]:
    return {p.key for p in item.parties}


def _item(sector: str, quote: str, *, action: str = "cooperate", status: str = "discussed",
          parties: list[str] | None = None, subsector: str | None = None) -> dict[str, Any]:
    return {"sector": sector, "subsector": subsector,
            "parties": parties or ["Tajikistan", "Tatarstan"], "action": action,
            "status": status, "quote": quote}


def test_good_answer(make_extractor: MakeExtractor, example_text: str,
                     good_answer: dict[str, Any]) -> None:
    extractor, backend = make_extractor([good_answer])
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None
    assert line.id == SEED
    assert [c.sector for c in line.commitments] == ["industry", "health", "education", "trade"]
    _check_grounded(line, example_text)
    for item in line.commitments:
        assert _keys(item) == {"TJ", "RU-TA"}
        assert len(item.evidence) == 1
    # Evidence is widened to the whole sentence holding the model's quote.
    textile = line.commitments[0]
    assert textile.evidence[0].quote == (
        "In this context, both sides emphasized their mutual interest in strengthening "
        "cooperation to establish textile production facilities."
    )
    assert textile.status == "intended" and textile.subsector == "textiles"
    tatarstan = next(p for p in textile.parties if p.code == "RU-TA")
    assert (tatarstan.name, tatarstan.type, tatarstan.country) == ("Tatarstan", "region", "RU")
    meta = line.meta
    assert meta["attempts"] == 1
    assert meta["ungrounded"] == 0
    assert meta["truncated"] is False
    assert meta["chunks"] == 1
    assert meta["backend"] == "fake" and meta["model"] == "fake"
    assert meta["prompt_version"] == extractor.prompts.version
    assert meta["usage"]["prompt_tokens"] == 100 and meta["usage"]["completion_tokens"] > 0
    assert meta["alignment"] == {"exact": 4}
    assert isinstance(meta["seconds"], float)
    # The line is valid the reference (docs/REFERENCE.md) output and survives JSON.
    assert OutputLine.model_validate_json(line.model_dump_json()) == line
    # What the backend was asked.
    [request] = backend.history
    assert request.json_schema == answer_json_schema()
    assert [m["role"] for m in request.messages] == ["system", "user"]
    assert request.messages[1]["content"].endswith(example_text.strip())


def test_wrong_quote_is_dropped_and_counted(make_extractor: MakeExtractor, example_text: str,
                                            good_answer: dict[str, Any]) -> None:
    good_answer["commitments"].append(
        _item("finance", "Norland will open a $40 million credit line", action="open a line")
    )
    extractor, _ = make_extractor([good_answer])
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None
    assert "finance" not in [c.sector for c in line.commitments]
    assert len(line.commitments) == 4
    assert line.meta["ungrounded"] == 1
    _check_grounded(line, example_text)


def test_keep_ungrounded_flags_the_commitment(make_extractor: MakeExtractor, example_text: str,
                                              good_answer: dict[str, Any]) -> None:
    fake_quote = "Tajikistan will open a $40 million credit line for Tatarstan"
    good_answer["commitments"].append(_item("finance", fake_quote, action="open a credit line",
                                            status="intended"))
    extractor, _ = make_extractor([good_answer], keep_ungrounded=True)
    line = extractor.extract(Article(SEED, example_text))
    assert line.meta["ungrounded"] == 1
    assert line.meta["alignment"] == {"exact": 4, "unaligned": 1}
    [flagged] = [c for c in line.commitments if not c.grounded]
    assert flagged.sector == "finance"
    assert flagged.evidence[0].quote == fake_quote
    assert flagged.evidence[0].alignment == "unaligned"
    assert flagged.evidence[0].start is None and flagged.evidence[0].end is None
    assert line.commitments[-1] is flagged  # unlocated evidence sorts last
    assert all(c.grounded for c in line.commitments if c is not flagged)


def test_malformed_answer_is_re_asked(make_extractor: MakeExtractor, example_text: str,
                                      good_answer: dict[str, Any]) -> None:
    extractor, backend = make_extractor(["Sorry, here it is: commitments = none", good_answer])
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None
    assert line.meta["attempts"] == 2
    assert line.meta["usage"]["prompt_tokens"] == 200
    assert len(line.commitments) == 4
    first, second = backend.history
    assert len(second.messages) == len(first.messages) + 2
    assistant, reask = second.messages[-2:]
    assert assistant == {"role": "assistant", "content": "Sorry, here it is: commitments = none"}
    assert reask["role"] == "user"
    assert "the answer is not JSON" in reask["content"]
    assert "commitments = none" in reask["content"]


def test_invalid_item_is_re_asked_with_the_validation_error(
    make_extractor: MakeExtractor, example_text: str, good_answer: dict[str, Any]
) -> None:
    bad = {"commitments": [_item("energy", "focusing on key areas", status="maybe later")]}
    extractor, backend = make_extractor([bad, good_answer])
    line = extractor.extract(Article(SEED, example_text))
    assert line.meta["attempts"] == 2 and line.error is None
    reask = backend.history[1].messages[-1]["content"]
    assert "commitments[0].status" in reask


def test_all_attempts_malformed_is_an_answer_error(make_extractor: MakeExtractor,
                                                   example_text: str) -> None:
    extractor, backend = make_extractor(["nope", "still nope", "{broken"], max_attempts=3)
    line = extractor.extract(Article(SEED, example_text))
    assert line.commitments == []
    assert line.error is not None
    assert line.error.type == "AnswerError"
    assert "3 attempts" in line.error.message
    details = line.error.details
    assert details is not None
    assert details["last_output"] == "{broken"
    assert details["attempts"] == 3
    assert details["usage"]["prompt_tokens"] == 300
    assert details["errors"]
    assert line.meta["attempts"] == 3 and line.meta["usage"]["prompt_tokens"] == 300
    assert len(backend.history) == 3
    # The line is still valid output.
    OutputLine.model_validate(json.loads(line.model_dump_json()))


def test_truncated_answer_keeps_complete_items(make_extractor: MakeExtractor, example_text: str,
                                               good_answer: dict[str, Any]) -> None:
    full = json.dumps(good_answer)
    cut = full[: full.index('"sector": "trade"') + 30]  # inside the fourth item
    extractor, backend = make_extractor(
        [Completion(text=cut, finish_reason="length", prompt_tokens=50, completion_tokens=2048)]
    )
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None
    assert line.meta["truncated"] is True
    assert line.meta["attempts"] == 1
    assert [c.sector for c in line.commitments] == ["industry", "health", "education"]
    _check_grounded(line, example_text)
    assert len(backend.history) == 1


def test_truncated_with_nothing_complete_re_asks_for_shorter(
    make_extractor: MakeExtractor, example_text: str, good_answer: dict[str, Any]
) -> None:
    cut = Completion(text='{"commitments": [{"sector": "energy", "par', finish_reason="length")
    extractor, backend = make_extractor([cut, good_answer])
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None and line.meta["attempts"] == 2
    assert line.meta["truncated"] is True
    assert "cut off" in backend.history[1].messages[-1]["content"]


def test_unknown_sector_word_maps_to_taxonomy(make_extractor: MakeExtractor,
                                              example_text: str) -> None:
    answer = {"commitments": [
        _item("textiles", "both sides emphasized their mutual interest", status="intended",
              action="establish textile production facilities"),
        _item("pharmaceuticals", "The sides also discussed the potential",
              action="jointly produce medical products"),
        _item("industry", "The sides also discussed the potential for collaboration",
              subsector="pharmaceutical", action="make medicines together"),
    ]}
    extractor, _ = make_extractor([answer])
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None
    by_action = {c.action: c for c in line.commitments}
    textile = by_action["establish textile production facilities"]
    assert (textile.sector, textile.subsector) == ("industry", "textiles")
    pharma = by_action["jointly produce medical products"]
    assert (pharma.sector, pharma.subsector) == ("health", "pharmaceuticals")
    assert by_action["make medicines together"].sector == "health"  # refined from industry


def test_status_without_cue_is_lowered(make_extractor: MakeExtractor, example_text: str) -> None:
    answer = {"commitments": [_item("health", "The sides also discussed the potential",
                                    status="signed", action="produce medical products")]}
    extractor, _ = make_extractor([answer])
    [item] = extractor.extract(Article(SEED, example_text)).commitments
    assert item.status == "discussed"
    trusting, _ = make_extractor([answer], calibrate_status=False)
    [kept] = trusting.extract(Article(SEED, example_text)).commitments
    assert kept.status == "signed"


def test_transient_error_is_retried(make_extractor: MakeExtractor, example_text: str,
                                    good_answer: dict[str, Any]) -> None:
    extractor, backend = make_extractor(
        [TransientBackendError("rate limited (429)", retry_after=0.001), good_answer]
    )
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None
    assert len(line.commitments) == 4
    assert line.meta["attempts"] == 1  # a retry is not a re-ask
    assert len(backend.history) == 2
    assert backend.history[0].key("fake") == backend.history[1].key("fake")


def test_transient_error_that_persists_is_an_error_line(make_extractor: MakeExtractor,
                                                        example_text: str) -> None:
    extractor, backend = make_extractor(lambda request: TransientBackendError("503"))
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is not None and line.error.type == "TransientBackendError"
    assert line.commitments == []
    assert len(backend.history) == extractor.config.retry.attempts


def test_article_with_error_gives_an_error_line(make_extractor: MakeExtractor) -> None:
    extractor, backend = make_extractor()
    line = extractor.extract(Article("bad", "", error=("InputError", "bad.txt: not UTF-8")))
    assert line.id == "bad"
    assert line.commitments == []
    assert line.error is not None
    assert (line.error.type, line.error.message) == ("InputError", "bad.txt: not UTF-8")
    assert backend.history == []


def test_duplicates_are_merged(make_extractor: MakeExtractor, example_text: str) -> None:
    answer = {"commitments": [
        _item("health", "The sides also discussed the potential",
              action="jointly produce medical products"),
        _item("health", "both sides emphasized their mutual interest", status="intended",
              action="jointly produce medical products"),
        _item("health", "The sides also discussed the potential",
              action="produce medical products jointly"),
    ]}
    extractor, _ = make_extractor([answer])
    line = extractor.extract(Article(SEED, example_text))
    [item] = line.commitments
    assert item.status == "intended"
    assert len(item.evidence) == 2
    assert item.evidence[0].start < item.evidence[1].start  # type: ignore[operator]
    _check_grounded(line, example_text)


def test_parties_not_in_article_are_dropped(make_extractor: MakeExtractor,
                                            example_text: str) -> None:
    answer = {"commitments": [
        _item("health", "The sides also discussed the potential", parties=["Tajikistan", "Norland"],
              action="jointly produce medical products"),
        _item("agriculture", "The sides also discussed the potential",
              parties=["Norland", "Kestria"], action="build a grain terminal"),
    ]}
    extractor, _ = make_extractor([answer], complete_counterparts=False,
                                  drop_one_sided=False)
    line = extractor.extract(Article(SEED, example_text))
    [item] = line.commitments
    assert _keys(item) == {"TJ"}
    assert line.meta["dropped_parties"] == ["Kestria", "Norland"]
    assert line.meta["no_party"] == 1


def test_long_article_is_chunked_with_article_offsets(make_extractor: MakeExtractor) -> None:
    sentence = "Tajikistan and Uzbekistan agreed to build a bridge."
    filler = " ".join(f"Paragraph {i} says nothing of note at all." for i in range(12))
    text = f"{sentence} {filler} {sentence} {filler}"

    def answer(request: CompletionRequest) -> Any:
        return {"commitments": [_item("transport", sentence, status="agreed",
                                      parties=["Tajikistan", "Uzbekistan"],
                                      action="build a bridge")]}

    extractor, backend = make_extractor(answer, chunk_chars=400, single_pass_chars=600)
    line = extractor.extract(Article("long", text))
    assert line.error is None
    assert line.meta["chunks"] == len(backend.history) > 2
    [item] = line.commitments
    starts = [ev.start for ev in item.evidence]
    # Each chunk grounds its quote at the occurrence nearest to it, in article offsets.
    assert starts == [0, text.rindex(sentence)]
    _check_grounded(line, text)
    assert _keys(item) == {"TJ", "UZ"}


def test_model_quote_with_curly_quotes_is_normalized(make_extractor: MakeExtractor,
                                                     example_text: str) -> None:
    quote = "MENAFN provides the information \"as is\" without warranty"
    answer = {"commitments": [_item("governance", quote, parties=["Tajikistan"])]}
    extractor, _ = make_extractor([answer])
    line = extractor.extract(Article(SEED, example_text))
    [item] = line.commitments
    assert item.evidence[0].alignment == "normalized"
    _check_grounded(line, example_text)


def test_refusal_is_re_asked(make_extractor: MakeExtractor, example_text: str,
                             good_answer: dict[str, Any]) -> None:
    refused = Completion(text="", extra={"refusal": "I cannot help with that"})
    extractor, backend = make_extractor([refused, good_answer])
    line = extractor.extract(Article(SEED, example_text))
    assert line.error is None and line.meta["attempts"] == 2
    assert "refused" in backend.history[1].messages[-1]["content"]


def test_validate_answer_keeps_good_items_and_reports_bad_ones() -> None:
    items, errors = validate_answer([
        _item("energy", "a good quote"),
        {"sector": "energy"},
        "not an object",
    ])
    assert len(items) == 1
    assert any(e.startswith("commitments[1].") for e in errors)
    assert any(e.startswith("commitments[2]") for e in errors)
    shape = 'the answer must be an object {"commitments": [...]}'
    assert validate_answer({"items": []}) == ([], [shape])


def test_runner_gives_every_article_exactly_one_line(make_extractor: MakeExtractor,
                                                     example_text: str,
                                                     good_answer: dict[str, Any]) -> None:
    def answer(request: CompletionRequest) -> Any:
        if "BOOM" in request.messages[1]["content"]:
            return RuntimeError("a bug in a backend")
        return good_answer

    extractor, _ = make_extractor(answer)
    articles = [
        Article("one", example_text),
        Article("two", "", error=("InputError", "unreadable")),
        Article("three", "BOOM. Tajikistan agreed."),
        Article("four", example_text),
    ]
    out = io.StringIO()
    summary = run_job(articles, extractor, LineWriter(out), progress=False)
    lines = [OutputLine.model_validate_json(raw) for raw in out.getvalue().splitlines()]
    assert [line.id for line in lines] == ["one", "two", "three", "four"]
    assert (summary.done, summary.failed, summary.commitments) == (4, 2, 8)
    assert lines[2].error is not None and lines[2].error.type == "RuntimeError"
    assert "internal error" in lines[2].error.message


def test_table_format_renders(make_extractor: MakeExtractor, example_text: str,
                              good_answer: dict[str, Any]) -> None:
    extractor, _ = make_extractor([good_answer])
    out = io.StringIO()
    LineWriter(out, "table").write(extractor.extract(Article(SEED, example_text)))
    table = out.getvalue()
    assert "Article seed: 4 commitments" in table
    assert "Tajikistan (TJ)" in table and "textile production facilities" in table
    assert "[855:988 exact]" in table


def test_sector_list_becomes_one_commitment_per_sector(make_extractor: MakeExtractor,
                                                       example_text: str) -> None:
    """docs/REFERENCE.md sections 1 and 7: "industry, energy, machine engineering, transport,
    construction, and agriculture" is six commitments, status discussed."""
    answer = {"commitments": [_item("other", "focusing on key areas such as industry",
                                    action="cooperate in priority areas")]}
    extractor, _ = make_extractor([answer])
    line = extractor.extract(Article(SEED, example_text))
    assert sorted((c.sector, c.action) for c in line.commitments) == sorted([
        ("industry", "cooperate in industry"),
        ("energy", "cooperate in energy"),
        ("industry", "cooperate in machine engineering"),
        ("transport", "cooperate in transport"),
        ("construction", "cooperate in construction"),
        ("agriculture", "cooperate in agriculture"),
    ])
    for item in line.commitments:
        assert item.status == "discussed"
        assert _keys(item) == {"TJ", "RU-TA"}
    _check_grounded(line, example_text)


def test_one_sided_commitment_gets_the_articles_other_party(
    make_extractor: MakeExtractor, example_text: str
) -> None:
    answer = {"commitments": [
        _item("health", "The sides also discussed the potential", parties=["Tajikistan"],
              action="jointly produce medical products"),
        _item("culture", "expanding cultural, humanitarian, and tourism ties",
              parties=["Tajikistan", "Russia's Tatarstan"], action="expand cultural ties"),
    ]}
    extractor, _ = make_extractor([answer])
    line = extractor.extract(Article(SEED, example_text))
    health = next(c for c in line.commitments if c.sector == "health")
    # The counterpart is the region the model named elsewhere, not Russia as a whole.
    assert _keys(health) == {"TJ", "RU-TA"}
    assert line.meta["counterparts_added"] == 1

    # Without a counterpart the one-party item names no other side: dropped as domestic,
    # or kept as the model wrote it when asked to.
    extractor, _ = make_extractor([answer], complete_counterparts=False)
    line = extractor.extract(Article(SEED, example_text))
    assert [c.sector for c in line.commitments] == ["culture"]
    assert line.meta["one_sided"] == 1
    extractor, _ = make_extractor([answer], complete_counterparts=False, drop_one_sided=False)
    line = extractor.extract(Article(SEED, example_text))
    health = next(c for c in line.commitments if c.sector == "health")
    assert _keys(health) == {"TJ"}


def test_articles_up_to_the_single_pass_length_go_whole(make_extractor: MakeExtractor,
                                                       example_text: str) -> None:
    extractor, _ = make_extractor([{"commitments": []}], chunk_chars=500,
                                        single_pass_chars=len(example_text))
    assert extractor.extract(Article(SEED, example_text)).meta["chunks"] == 1
    extractor, _ = make_extractor(lambda request: {"commitments": []}, chunk_chars=500,
                                        single_pass_chars=len(example_text) - 1)
    assert extractor.extract(Article(SEED, example_text)).meta["chunks"] > 1


def test_each_further_sector_of_a_quoted_sentence_is_a_commitment(
    make_extractor: MakeExtractor, example_text: str
) -> None:
    quote = "The sides also discussed the potential for collaboration in the pharmaceutical"
    answer = {"commitments": [_item("health", quote, parties=["Tajikistan", "Tatarstan"],
                                    action="jointly produce medical products")]}
    extractor, _ = make_extractor([answer])
    line = extractor.extract(Article(SEED, example_text))
    assert [c.sector for c in line.commitments] == ["health"]  # nothing else named there
    quote = "focusing on key areas such as industry, energy, machine engineering"
    answer = {"commitments": [_item("industry", quote, parties=["Tajikistan", "Tatarstan"],
                                    action="cooperate in industry")]}
    extractor, _ = make_extractor([answer], split_sector_lists=False)
    line = extractor.extract(Article(SEED, example_text))
    sectors = [c.sector for c in line.commitments]
    assert sorted(sectors) == sorted(set(sectors))
    assert {"industry", "energy", "transport", "agriculture"} <= set(sectors)
    assert line.meta["sentence_sectors_added"] >= 3
    extractor, _ = make_extractor([answer], split_sector_lists=False,
                                  sentence_sectors="off")
    assert [c.sector for c in extractor.extract(Article(SEED, example_text)).commitments] == [
        "industry"]


def test_extra_pass_asks_what_the_answer_left_out(make_extractor: MakeExtractor,
                                                  example_text: str) -> None:
    first = {"commitments": [_item("health", "The sides also discussed the potential",
                                   parties=["Tajikistan", "Tatarstan"],
                                   action="jointly produce medical products")]}
    more = {"commitments": [_item("education", "The necessity of increasing the number",
                                  parties=["Tajikistan", "Tatarstan"],
                                  action="increase scholarships")]}
    extractor, backend = make_extractor([first, more, {"commitments": []}], passes=3)
    line = extractor.extract(Article(SEED, example_text))
    assert sorted(c.sector for c in line.commitments) == ["education", "health"]
    assert len(backend.history) == 3 and line.meta["attempts"] == 3
    # Each follow-up continues the conversation: the earlier answers, then the question.
    last = backend.history[-1].messages
    assert [m["role"] for m in last] == ["system", "user", "assistant", "user", "assistant",
                                         "user"]
    assert last[-1]["content"] == extractor.prompts.more()


def test_one_pass_by_default(make_extractor: MakeExtractor, example_text: str,
                             good_answer: dict[str, Any]) -> None:
    extractor, backend = make_extractor([good_answer])
    extractor.extract(Article(SEED, example_text))
    assert len(backend.history) == 1


DOMESTIC = (
    "Polish government adopts energy plan\n\n"
    "Poland's Council of Ministers on Tuesday adopted a plan to cut the share of coal "
    "below 30% by 2035. The plan was the result of cooperation between ministries, state "
    "energy companies and trade unions. Germany already burns less coal than Poland.\n"
)


def test_a_states_own_bodies_are_not_its_partner(make_extractor: MakeExtractor) -> None:
    """Reference section 1: one state's own plans are no cooperation, however the model
    names the people and bodies that worked on them."""
    answer = {"commitments": [_item(
        "energy", "The plan was the result of cooperation between ministries, state energy "
        "companies and trade unions.", action="cut the share of coal below 30%",
        status="agreed", parties=["Poland", "State Energy Companies", "Trade Unions"])]}
    extractor, _ = make_extractor([answer])
    line = extractor.extract(Article("dom", DOMESTIC))
    assert line.commitments == []
    # Two records: the model's, and the one for "trade" (unions) its sentence names.
    assert line.meta["unplaced_parties"] == 4
    assert line.meta["one_sided"] == 2
    # As before the rule, when asked: the unplaced names count as sides.
    extractor, _ = make_extractor([answer], drop_unplaced_parties=False)
    kept = extractor.extract(Article("dom", DOMESTIC)).commitments
    assert [c.sector for c in kept] == ["energy", "trade"]
    assert [p.name for p in kept[0].parties] == ["Poland", "State Energy Companies",
                                                 "Trade Unions"]
