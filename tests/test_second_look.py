"""The second look: how close an empty answer came to a first item, read from the token
alternatives a server reports, and the re-ask with one item required above the share."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest
from conftest import FAST_RETRY
from stub_server import StubServer, error, ok

from extractor.articles import Article
from extractor.backends.base import Completion, CompletionRequest
from extractor.backends.fake import FakeBackend
from extractor.backends.openai_backend import OpenAIBackend
from extractor.backends.replay import Recorder, ReplayBackend
from extractor.config import ExtractConfig
from extractor.errors import BackendError, ReplayMissError
from extractor.gazetteer import Gazetteer
from extractor.pipeline import Extractor
from extractor.prompting import PromptSet
from extractor.second_look import TOP_LOGPROBS, item_odds, one_item_schema, wants_second_look

EMPTY = '{"commitments": []}'


def _positions(decision: list[tuple[str, float]], chosen: str = " []") -> list[dict[str, object]]:
    """The opening of an answer as llama.cpp tokenizes it, with ``decision`` as the
    alternatives at the token that opens the list."""
    lead = [('{"', [('{"', -0.01)]), ("commit", [("commit", -0.01)]),
            ("ments", [("ments", 0.0)]), ('":', [('":', 0.0), ('":[{"', -7.0)])]
    rows = [{"token": t, "top": [[a, lp] for a, lp in top]} for t, top in lead]
    rows.append({"token": chosen, "top": [[a, math.log(p)] for a, p in decision]})
    return rows


def _empty(odds_alternatives: list[tuple[str, float]]) -> Completion:
    return Completion(text=EMPTY, extra={"top_logprobs": _positions(odds_alternatives)})


def test_odds_weigh_the_first_item_against_the_empty_list() -> None:
    # Alternatives that leave the choice open (" [") or that the grammar forbids
    # ("This") are not counted.
    completion = _empty([(" []", 0.45), (' [{"', 0.30), (" [{", 0.05), (" [", 0.1),
                         ("This", 0.05)])
    assert item_odds(completion) == pytest.approx(0.35 / 0.80)


def test_odds_when_the_list_opens_in_one_token_and_decides_in_the_next() -> None:
    rows = _positions([(" [", 0.9)], chosen=" [")
    rows.append({"token": "]", "top": [["]", math.log(0.7)], ["{", math.log(0.2)],
                                       ['{"', math.log(0.1)]]})
    assert item_odds(Completion(text=EMPTY, extra={"top_logprobs": rows})) == pytest.approx(0.3)


def test_no_odds_without_alternatives_or_without_the_choice() -> None:
    assert item_odds(Completion(text=EMPTY)) is None
    assert item_odds(Completion(text=EMPTY, extra={"top_logprobs": "junk"})) is None
    cut = _positions([(" []", 0.5)])[:3]  # the answer's opening only
    assert item_odds(Completion(text=EMPTY, extra={"top_logprobs": cut})) is None
    nothing = _positions([("This", 0.9)])  # no alternative takes either branch
    assert item_odds(Completion(text=EMPTY, extra={"top_logprobs": nothing})) is None


def test_the_default_takes_a_second_look_at_share_0_4() -> None:
    assert ExtractConfig().second_look == 0.4


def test_the_share_decides_and_zero_turns_it_off() -> None:
    assert wants_second_look(0.3, 0.3) and not wants_second_look(0.29, 0.3)
    assert not wants_second_look(0.9, 0.0) and not wants_second_look(None, 0.2)


def test_one_item_schema_requires_an_item_without_touching_the_original() -> None:
    schema = {"type": "object", "properties": {"commitments": {"type": "array", "maxItems": 4}}}
    forced = one_item_schema(schema)
    assert forced["properties"]["commitments"] == {"type": "array", "maxItems": 4, "minItems": 1}
    assert "minItems" not in schema["properties"]["commitments"]


def test_asking_for_alternatives_keeps_older_request_keys() -> None:
    request = CompletionRequest(messages=[{"role": "user", "content": "x"}], json_schema={})
    asked = CompletionRequest(messages=request.messages, json_schema={}, top_logprobs=8)
    assert request.key("m") != asked.key("m")
    # Without alternatives the key is the one recordings made before kept.
    assert request.key("m") == _old_key(request)


def _old_key(request: CompletionRequest) -> str:
    payload = {"model": "m", "messages": request.messages, "schema": request.json_schema,
               "max_tokens": request.max_tokens, "temperature": request.temperature,
               "seed": request.seed}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def test_the_server_is_asked_for_alternatives_and_they_come_back(stub: StubServer) -> None:
    stub.enqueue(ok(EMPTY, logprobs=[('{"', [('{"', -0.01)]), ("commit", [("commit", 0.0)]),
                                     ("ments", [("ments", 0.0)]), ('":', [('":', 0.0)]),
                                     (" []", [(" []", -0.5), (' [{"', -1.0)])]))
    backend = OpenAIBackend("m", base_url=stub.url + "/v1", api_key="test", timeout=10)
    request = CompletionRequest(messages=[{"role": "user", "content": "x"}],
                                json_schema={"type": "object"}, top_logprobs=TOP_LOGPROBS)
    completion = backend.complete(request)
    backend.close()
    [body] = stub.requests
    assert body["logprobs"] is True and body["top_logprobs"] == TOP_LOGPROBS
    assert completion.extra["top_logprobs"][-1] == {"token": " []",
                                                    "top": [[" []", -0.5], [' [{"', -1.0]]}
    weight = math.exp(-1.0), math.exp(-0.5)
    assert item_odds(completion) == pytest.approx(weight[0] / sum(weight))


def test_a_server_refusing_alternatives_is_asked_without_them_from_then_on(
    stub: StubServer,
) -> None:
    stub.enqueue(error(400, "logprobs are not supported by this model"), ok(EMPTY), ok(EMPTY))
    backend = OpenAIBackend("m", base_url=stub.url + "/v1", api_key="test", timeout=10)
    request = CompletionRequest(messages=[{"role": "user", "content": "x"}],
                                json_schema={"type": "object"}, top_logprobs=TOP_LOGPROBS)
    assert backend.complete(request).text == EMPTY
    assert backend.complete(request).text == EMPTY
    backend.close()
    first, second, third = stub.requests
    assert first["logprobs"] is True
    assert "logprobs" not in second and "logprobs" not in third


def test_other_refusals_still_fail(stub: StubServer) -> None:
    stub.enqueue(error(400, "messages must not be empty"))
    backend = OpenAIBackend("m", base_url=stub.url + "/v1", api_key="test", timeout=10)
    request = CompletionRequest(messages=[{"role": "user", "content": "x"}],
                                json_schema={"type": "object"}, top_logprobs=TOP_LOGPROBS)
    with pytest.raises(BackendError, match="must not be empty"):
        backend.complete(request)
    backend.close()


TEXT = (
    "Ministers meet in Astana\n\nKazakhstan and Uzbekistan held talks in Astana on Monday. "
    "Kazakhstan and Uzbekistan will look at ways to link their electricity grids."
)
GRID = "Kazakhstan and Uzbekistan will look at ways to link their electricity grids."
ITEM = {"commitments": [{"parties": ["Kazakhstan", "Uzbekistan"], "sector": "energy",
                         "action": "link their electricity grids", "status": "intended"}]}


def _model(odds: float, calls: list[CompletionRequest]) -> FakeBackend:
    """Empty answers whose first item had ``odds`` of the weight; an item when one is
    required."""

    def answer(request: CompletionRequest) -> Completion:
        calls.append(request)
        if request.json_schema["properties"]["commitments"].get("minItems") == 1:
            return Completion(text=json.dumps(ITEM))
        if not request.top_logprobs:
            return Completion(text=EMPTY)
        return _empty([(" []", 1 - odds), (' [{"', odds)])

    return FakeBackend(answer)


@pytest.mark.parametrize(("odds", "looks"), [(0.45, 1), (0.15, 0)])
def test_an_empty_answer_that_nearly_held_an_item_is_asked_again(
    odds: float, looks: int, gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    calls: list[CompletionRequest] = []
    config = ExtractConfig(strategy="sentences", second_look=0.3, retry=FAST_RETRY)
    line = Extractor(_model(odds, calls), prompts, gazetteer, config).extract(
        Article("grid", TEXT))
    assert line.error is None
    grid_requests = [c for c in calls if GRID in c.messages[-1]["content"]]
    assert [c.top_logprobs for c in grid_requests] == [TOP_LOGPROBS] + [0] * looks
    assert line.meta["second_looks"] == looks
    energy = [c for c in line.commitments if c.sector == "energy"]
    assert len(energy) == looks
    if looks:
        assert energy[0].evidence[0].quote == GRID
        assert line.meta["requests"] < len(calls)  # the second look is one more request


def test_a_second_looks_item_that_names_no_area_is_dropped(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    goodwill = {"commitments": [{"parties": ["Kazakhstan", "Uzbekistan"], "sector": "governance",
                                 "action": "look at ways to link up", "status": "intended"}]}

    def answer(request: CompletionRequest) -> Completion:
        if request.json_schema["properties"]["commitments"].get("minItems") == 1:
            return Completion(text=json.dumps(goodwill if "ways" in str(request.messages[-1])
                                              else ITEM))
        return _empty([(" []", 0.4), (' [{"', 0.6)])

    config = ExtractConfig(strategy="sentences", second_look=0.3, retry=FAST_RETRY)
    line = Extractor(FakeBackend(answer), prompts, gazetteer, config).extract(
        Article("grid", TEXT))
    # The grid sentence's second look said "look at ways to link up" under governance.
    assert line.error is None and line.commitments == []
    assert line.meta["second_look_unnamed"] >= 1


def test_share_zero_asks_for_no_alternatives(gazetteer: Gazetteer, prompts: PromptSet) -> None:
    calls: list[CompletionRequest] = []
    config = ExtractConfig(strategy="sentences", second_look=0.0, retry=FAST_RETRY)
    line = Extractor(_model(0.9, calls), prompts, gazetteer, config).extract(
        Article("grid", TEXT))
    assert calls and all(c.top_logprobs == 0 for c in calls)
    assert line.commitments == [] and "second_looks" not in line.meta


def test_a_second_look_with_no_valid_item_leaves_the_empty_answer(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    def answer(request: CompletionRequest) -> Completion:
        if request.json_schema["properties"]["commitments"].get("minItems") == 1:
            return Completion(text='{"commitments": [{"sector": "nonsense"}]}')
        return _empty([(" []", 0.4), (' [{"', 0.6)])

    config = ExtractConfig(strategy="sentences", second_look=0.3, retry=FAST_RETRY)
    line = Extractor(FakeBackend(answer), prompts, gazetteer, config).extract(
        Article("grid", TEXT))
    assert line.error is None and line.commitments == []
    assert line.meta["second_looks"] >= 1
    assert line.meta["attempts"] > line.meta["requests"]  # the re-asks were counted


def test_a_recording_without_alternatives_still_answers_and_takes_no_second_look(
    tmp_path: Path, gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    recording = tmp_path / "old.replay.jsonl"
    calls: list[CompletionRequest] = []
    old = Recorder(_model(0.9, calls), recording)
    Extractor(old, prompts, gazetteer, ExtractConfig(strategy="sentences", second_look=0.0)
              ).extract(Article("grid", TEXT))
    config = ExtractConfig(strategy="sentences", second_look=0.3, retry=FAST_RETRY)
    line = Extractor(ReplayBackend(recording), prompts, gazetteer, config).extract(
        Article("grid", TEXT))
    assert line.error is None
    assert line.meta["second_looks"] == 0 and line.commitments == []


def test_a_share_outside_0_to_1_is_refused_with_the_flag_named() -> None:
    import argparse

    from extractor.errors import ConfigError
    from extractor.factory import check_options

    with pytest.raises(ConfigError, match="--second-look is a share from 0 to 1"):
        check_options(argparse.Namespace(second_look=1.5))
    check_options(argparse.Namespace(second_look=0.0))


AREALESS = "Kazakhstan and Uzbekistan agreed to deepen their partnership further."


def test_a_sentence_naming_no_area_gets_no_second_look(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    """A second look's item is kept only where its area is named, so a sentence that
    names none is asked once, without alternatives, however close the model came."""
    calls: list[CompletionRequest] = []
    config = ExtractConfig(strategy="sentences", second_look=0.3, retry=FAST_RETRY)
    text = f"Ministers meet in Astana\n\n{AREALESS} {GRID}"
    line = Extractor(_model(0.9, calls), prompts, gazetteer, config).extract(
        Article("grid", text))
    assert line.error is None

    def alternatives_asked(sentence: str) -> list[int]:
        labelled = (c for c in calls
                    if sentence in c.messages[-1]["content"].split("Label this sentence:")[-1])
        return [c.top_logprobs for c in labelled]

    assert alternatives_asked(AREALESS) == [0]
    assert alternatives_asked(GRID) == [TOP_LOGPROBS, 0]  # names energy: asked again
    assert line.meta["second_looks"] == 1


def test_names_an_area_reads_the_references_sector_words() -> None:
    from extractor.units import names_an_area

    assert names_an_area(GRID)
    assert names_an_area("They will cooperate in agriculture and tourism.")
    assert not names_an_area(AREALESS)


def test_a_recording_with_alternatives_answers_a_request_without_them(tmp_path: Path) -> None:
    recording = tmp_path / "new.replay.jsonl"
    asked = CompletionRequest(messages=[{"role": "user", "content": GRID}],
                              json_schema={"type": "object"}, top_logprobs=TOP_LOGPROBS)
    Recorder(FakeBackend(lambda request: Completion(text=EMPTY)), recording).complete(asked)
    replay = ReplayBackend(recording)
    plain = CompletionRequest(messages=asked.messages, json_schema=asked.json_schema)
    assert replay.complete(plain).text == EMPTY
    other = CompletionRequest(messages=[{"role": "user", "content": "other"}],
                              json_schema=asked.json_schema)
    with pytest.raises(ReplayMissError):
        replay.complete(other)


def test_a_recording_resumed_answers_a_request_without_alternatives_from_one_with_them(
    tmp_path: Path,
) -> None:
    recording = tmp_path / "resumed.replay.jsonl"
    asked = CompletionRequest(messages=[{"role": "user", "content": GRID}],
                              json_schema={"type": "object"}, top_logprobs=TOP_LOGPROBS)
    Recorder(FakeBackend(lambda request: Completion(text=EMPTY)), recording).complete(asked)
    lines = recording.read_text().count("\n")
    live = FakeBackend(lambda request: Completion(text=json.dumps(ITEM)))
    resumed = Recorder(live, recording)
    plain = CompletionRequest(messages=asked.messages, json_schema=asked.json_schema)
    assert resumed.complete(plain).text == EMPTY  # the recorded answer, not asked again
    assert live.history == [] and recording.read_text().count("\n") == lines
    # The other way round the model is asked: a recording without alternatives cannot
    # say how close the answer came to another one.
    fresh = tmp_path / "plain.replay.jsonl"
    Recorder(FakeBackend(lambda request: Completion(text=EMPTY)), fresh).complete(plain)
    live = FakeBackend(lambda request: Completion(text=json.dumps(ITEM)))
    assert Recorder(live, fresh).complete(asked).text == json.dumps(ITEM)
    assert len(live.history) == 1
