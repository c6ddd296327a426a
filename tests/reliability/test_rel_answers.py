"""Lying and broken model answers, sent by a real local server through the real ``openai``
client: every one ends in a schema-valid line, either repaired, re-asked, or an error
line with the attempts, usage and last raw output."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fault_server import FaultServer
from rel_helpers import BRIDGE, BRIDGE_ANSWER, assert_grounded, extractor_for, openai_backend, run
from stub_server import Reply, chat_completion, ok

from extractor.articles import Article
from extractor.schemas.records import OutputLine

ITEM: dict[str, Any] = BRIDGE_ANSWER["commitments"][0]
GOOD = json.dumps(BRIDGE_ANSWER)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer().start()
    try:
        yield srv
    finally:
        srv.stop()


def _extract(server: FaultServer, *replies: Reply, attempts: int = 2,
             text: str = BRIDGE, **config: Any) -> OutputLine:
    server.enqueue(*replies)
    backend = openai_backend(server.url)
    try:
        [line] = run([Article("a", text)], extractor_for(backend, max_attempts=attempts, **config))
    finally:
        backend.close()
    return line


def _item(**changes: Any) -> dict[str, Any]:
    return {**ITEM, **changes}


def _answer(*items: dict[str, Any]) -> str:
    return json.dumps({"commitments": list(items)})


def _ok_line(line: OutputLine, commitments: int = 1) -> None:
    assert line.error is None, line.error
    assert len(line.commitments) == commitments
    assert_grounded(line, BRIDGE)


def test_not_json_is_reasked_then_fails_with_the_raw_output(server: FaultServer) -> None:
    line = _extract(server, ok("Sure! The bridge."), ok("I cannot produce JSON today."))
    assert line.error is not None and line.error.type == "AnswerError"
    assert "not JSON" in line.error.message
    assert line.error.details is not None
    assert line.error.details["last_output"] == "I cannot produce JSON today."
    assert line.error.details["attempts"] == 2
    assert line.meta["usage"]["completion_tokens"] == 60  # both attempts counted
    # The re-ask carried the parse error back to the model.
    assert "not JSON" in server.requests[1]["messages"][-1]["content"]


def test_not_json_then_good_recovers(server: FaultServer) -> None:
    _ok_line(_extract(server, ok("Sure! The bridge."), ok(GOOD)))
    assert len(server.requests) == 2


def test_json_in_a_markdown_fence(server: FaultServer) -> None:
    _ok_line(_extract(server, ok(f"Here you go:\n```json\n{GOOD}\n```\nHope it helps!")))
    assert len(server.requests) == 1


def test_json_with_trailing_prose(server: FaultServer) -> None:
    _ok_line(_extract(server, ok(GOOD + "\n\nNote: I also considered {the river} itself.")))


def test_valid_json_of_the_wrong_shape(server: FaultServer) -> None:
    line = _extract(server, ok('{"results": "none"}'), ok('["just", "strings"]'))
    assert line.error is not None and line.error.type == "AnswerError"
    assert line.error.details is not None and line.error.details["errors"]


def test_bare_list_of_items_is_accepted(server: FaultServer) -> None:
    _ok_line(_extract(server, ok(json.dumps([ITEM]))))


def test_unknown_sector_becomes_other_and_is_dropped_not_invented(server: FaultServer) -> None:
    line = _extract(server, ok(_answer(_item(sector="galactic diplomacy"))))
    assert line.error is None
    assert line.commitments == []  # "other" dropped by default, never a made-up key
    assert line.meta["dropped_other"] == 1


def test_unknown_sector_synonym_maps_onto_the_taxonomy(server: FaultServer) -> None:
    line = _extract(server, ok(_answer(_item(sector="Logistics"))))
    _ok_line(line)
    assert line.commitments[0].sector == "transport"


def test_truncated_answer_keeps_the_complete_items(server: FaultServer) -> None:
    second = _item(quote="build a bridge over the Amu Darya river", action="build a second")
    cut = _answer(ITEM, second)[:-40]
    line = _extract(server, ok(cut, finish_reason="length"), ok(cut, finish_reason="length"))
    assert line.error is None
    assert line.meta["truncated"] is True
    assert len(line.commitments) == 1


def test_truncated_with_nothing_complete_is_an_error(server: FaultServer) -> None:
    cut = '{"commitments": [{"quote": "Tajikistan and Uzb'
    line = _extract(server, ok(cut, finish_reason="length"), ok(cut, finish_reason="length"))
    assert line.error is not None and "cut off" in line.error.message


def test_empty_answer(server: FaultServer) -> None:
    line = _extract(server, ok(""), ok("   "))
    assert line.error is not None and "empty" in line.error.message


def test_refusal(server: FaultServer) -> None:
    body = chat_completion("")
    body["choices"][0]["message"].update(content=None, refusal="I can't help with that.")
    line = _extract(server, (200, {}, body), (200, {}, body))
    assert line.error is not None and line.error.type == "AnswerError"
    assert "refused" in line.error.message and "I can't help" in line.error.message


def test_quote_not_in_the_article_is_dropped_and_counted(server: FaultServer) -> None:
    fake = _item(quote="Uzbekistan will pay for the entire bridge with gold bars.")
    line = _extract(server, ok(_answer(ITEM, fake)))
    _ok_line(line)
    assert line.meta["ungrounded"] == 1


def test_quote_not_in_the_article_kept_flagged_on_request(server: FaultServer) -> None:
    fake = _item(quote="Uzbekistan will pay for the entire bridge with gold bars.",
                 sector="finance", action="pay for the bridge")
    line = _extract(server, ok(_answer(fake)), keep_ungrounded=True)
    assert line.error is None
    [item] = line.commitments
    assert item.grounded is False
    assert item.evidence[0].start is None and item.evidence[0].alignment == "unaligned"


def test_offsets_made_up_by_the_model_are_ignored(server: FaultServer) -> None:
    """docs/REFERENCE.md 2: the model is never trusted with offsets; code computes them."""
    lying = _item(start=500, end=9000)
    nested = {**{k: v for k, v in ITEM.items() if k != "quote"},
              "evidence": [{"quote": ITEM["quote"], "start": -3, "end": 2}]}
    line = _extract(server, ok(_answer(lying, nested)))
    _ok_line(line)  # both merge into the one commitment
    assert len(server.requests) == 1  # no re-ask was needed for the extra keys
    ev = line.commitments[0].evidence[0]
    assert (ev.start, ev.end) == (0, len(BRIDGE))


def test_thousands_of_duplicate_commitments(server: FaultServer) -> None:
    # Merging must stay near linear: ten times the items may cost at most 30 times the
    # time (quadratic merging costs 100 times). A ratio, not a wall-clock bound, so a
    # loaded machine (a model recording beside the suite took this to 30 s) cannot fail it.
    _extract(server, ok(_answer(*[ITEM] * 300)))  # first call: one-time setup
    started = time.monotonic()
    _extract(server, ok(_answer(*[ITEM] * 300)))
    small = time.monotonic() - started
    started = time.monotonic()
    line = _extract(server, ok(_answer(*[ITEM] * 3000)))
    assert time.monotonic() - started < 30 * small + 1.0
    _ok_line(line)  # merged into one, evidence not repeated
    assert len(line.commitments[0].evidence) == 1


def test_five_megabyte_answer(server: FaultServer) -> None:
    huge = "The model rambles on. " * (5 * 1024 * 1024 // 22)
    started = time.monotonic()
    line = _extract(server, ok(huge), ok(huge + GOOD))
    assert time.monotonic() - started < 20
    _ok_line(line)


def test_five_megabyte_answer_that_stays_bad_keeps_the_line_small(server: FaultServer) -> None:
    huge = "{" + "x" * (5 * 1024 * 1024)
    line = _extract(server, ok(huge), ok(huge))
    assert line.error is not None
    assert len(line.model_dump_json()) < 100_000  # the raw output is clipped in details
