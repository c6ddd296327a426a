"""The sentence strategy: the screen, one short request per candidate, the sentence as
evidence. Model answers come from a fake that reads the sentence it is asked about."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import pytest

from extractor.answers import sentence_validator
from extractor.articles import Article
from extractor.backends.base import Completion, CompletionRequest
from extractor.backends.fake import FakeBackend
from extractor.config import ExtractConfig
from extractor.errors import ConfigError
from extractor.gazetteer import Gazetteer
from extractor.pipeline import Extractor
from extractor.prompting import PromptSet
from extractor.schemas.answer import KindedSentenceAnswer, SentenceAnswer, answer_json_schema
from extractor.schemas.records import OutputLine
from extractor.screen import is_conflict, screen
from extractor.status_cues import cue_status
from extractor.units import SENTENCE_MAX_TOKENS, SentencePlanner, reorder_item_fields

EXAMPLE = (Path(__file__).parent / "data" / "tajikistan-tatarstan.txt").read_text("utf-8")

CONFLICT = [
    "Russia rejected the American proposal to resume talks on arms control.",
    "Beijing threatened to impose tariffs on Australian wine if Canberra did not back down.",
    "Fighting between the two armies killed dozens of civilians near the border on Monday.",
    "The government refused to extend the grain deal and warned shipping companies.",
    "Washington accused Tehran of supplying drones for attacks on Ukrainian cities.",
    "Israeli strikes hit targets in Gaza as Hamas fired rockets at Tel Aviv.",
    "The minister said Moscow would not be coerced into signing a new treaty.",
    "Protesters condemned the visit of the Chinese delegation to Manila.",
]
COOPERATION = [
    "The two countries agreed to fight terrorism jointly and to share intelligence.",
    "Japan will provide $20 million in humanitarian aid to Ukraine.",
    "The sides signed a memorandum on cooperation in renewable energy.",
    "Kazakhstan and Uzbekistan discussed the construction of a new railway line.",
    "The parties agreed on a ceasefire along the line of contact.",
]


@pytest.mark.parametrize("sentence", CONFLICT)
def test_screen_rejects_conflict_rejections_threats_and_coercion(
    sentence: str, gazetteer: Gazetteer
) -> None:
    assert is_conflict(sentence)
    text = f"Title of a report\n\nGermany and France met. {sentence}"
    kept = {c.text for c in screen(text, gazetteer).candidates}
    assert sentence not in kept


@pytest.mark.parametrize("sentence", COOPERATION)
def test_screen_keeps_cooperation_even_against_a_common_threat(
    sentence: str, gazetteer: Gazetteer
) -> None:
    assert not is_conflict(sentence)
    text = f"Title of a report\n\nGermany and France met. {sentence}"
    assert sentence in {c.text for c in screen(text, gazetteer).candidates}


def test_screen_sends_nothing_for_an_article_naming_one_country(gazetteer: Gazetteer) -> None:
    text = (
        "Cabinet meeting\n\nThe Russian government agreed to build 40 new schools. "
        "The ministry will also expand vocational training in every region of Russia."
    )
    result = screen(text, gazetteer)
    assert result.candidates == [] and result.one_party_article


def test_a_domestic_speech_saying_we_and_together_sends_nothing(gazetteer: Gazetteer) -> None:
    text = (
        "Meeting with the national team\n\nDear friends, we support each and every one of "
        "you. Together we will develop sport in every region of Russia, and our mutual "
        "support will help the team win. The government will build 40 new stadiums."
    )
    result = screen(text, gazetteer)
    assert result.candidates == [] and result.one_party_article


def test_one_named_state_and_words_for_the_two_sides_is_still_a_bilateral_article(
    gazetteer: Gazetteer,
) -> None:
    text = ("Talks in Dushanbe\n\nTajikistan hosted the talks. The two sides agreed to build "
            "a joint textile plant.")
    assert [c.text for c in screen(text, gazetteer).candidates] == [
        "The two sides agreed to build a joint textile plant."]


def test_screen_keeps_each_candidate_with_offsets_and_the_sentence_before(
    gazetteer: Gazetteer,
) -> None:
    result = screen(EXAMPLE, gazetteer)
    assert result.candidates and result.sentences > len(result.candidates)
    for candidate in result.candidates:
        assert EXAMPLE[candidate.start : candidate.end] == candidate.text
    pharma = next(c for c in result.candidates if "pharmaceutical" in c.text)
    assert pharma.previous and pharma.previous in EXAMPLE
    # Mood and statistics carry no cue word, so they are never sent.
    assert not any(c.text.startswith("Relations between") for c in result.candidates)


def test_sentence_requests_put_the_fixed_instructions_first_and_the_sentence_last(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    plan = SentencePlanner(prompts, gazetteer).plan(Article("ex", EXAMPLE))
    systems = {unit.messages[0]["content"] for unit in plan.units}
    assert systems == {prompts.sentence_system()}  # one shared, cacheable prefix
    # ... and the example turns after it, the same in every request
    prefixes = {json.dumps(unit.messages[:-1]) for unit in plan.units}
    assert len(prefixes) == 1
    for unit in plan.units:
        user = unit.messages[-1]["content"]
        assert user.startswith("Article title:")
        assert user.rstrip().endswith(EXAMPLE[unit.hint :].split("\n")[0][:40].rstrip()) or (
            EXAMPLE[unit.hint : unit.hint + 40] in user.rsplit("Label this sentence:", 1)[1]
        )
        assert unit.max_tokens == SENTENCE_MAX_TOKENS
    assert plan.details["candidates"] == len(plan.units)


def _asked(request: CompletionRequest) -> str:
    """The sentence a one-sentence request asks about."""
    return str(request.messages[-1]["content"]).rsplit("Label this sentence:", 1)[1].strip()


def _answer(items: list[dict[str, object]]) -> Completion:
    return Completion(json.dumps({"commitments": items}), prompt_tokens=50, completion_tokens=20)


def _labeller(request: CompletionRequest) -> Completion:
    """A model that finds the pharmaceutical item and a list of sectors, nothing else."""
    sentence = _asked(request)
    items: list[dict[str, object]] = []
    if "pharmaceutical" in sentence:
        items.append(
            {"parties": ["Tajikistan", "Tatarstan"], "sector": "health",
             "action": "jointly produce medical products", "status": "discussed"}
        )
    if "machine engineering" in sentence:
        items.append(
            {"parties": ["Tajikistan", "Tatarstan"], "sector": "energy",
             "action": "highlight priorities for cooperation", "status": "discussed"}
        )
    return _answer(items)


def test_sentence_strategy_end_to_end_grounds_each_item_on_its_sentence(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    backend = FakeBackend(_labeller)
    extractor = Extractor(backend, prompts, gazetteer, ExtractConfig(strategy="sentences"))
    line = extractor.extract(Article("ex", EXAMPLE))
    assert line.error is None
    assert line.meta["strategy"] == "sentences"
    assert line.meta["requests"] == len(backend.history) == line.meta["candidates"]
    health = [c for c in line.commitments if c.sector == "health"]
    assert len(health) == 1
    evidence = health[0].evidence[0]
    assert EXAMPLE[evidence.start : evidence.end] == evidence.quote
    assert evidence.quote.startswith("The sides also discussed the potential")
    assert {p.code for p in health[0].parties} == {"TJ", "RU-TA"}
    # The list sentence: one commitment per listed area; the model's vague energy item
    # on the same sentence merges into "cooperate in energy" instead of doubling it.
    energy = [c for c in line.commitments if c.sector == "energy"]
    assert [c.action for c in energy] == ["cooperate in energy"]
    assert {c.sector for c in line.commitments} >= {"industry", "transport", "agriculture"}


def test_sentence_requests_in_parallel_give_the_same_line(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    config = ExtractConfig(strategy="sentences")
    one = Extractor(FakeBackend(_labeller), prompts, gazetteer, config)
    four = Extractor(
        FakeBackend(_labeller), prompts, gazetteer, replace(config, unit_workers=4)
    )
    a, b = one.extract(Article("ex", EXAMPLE)), four.extract(Article("ex", EXAMPLE))
    assert [c.model_dump() for c in a.commitments] == [c.model_dump() for c in b.commitments]


def test_batch_answers_are_judged_per_candidate(gazetteer: Gazetteer, prompts: PromptSet) -> None:
    extractor = Extractor(FakeBackend(), prompts, gazetteer, ExtractConfig(strategy="sentences"))
    article = Article("ex", EXAMPLE)
    requests = extractor.first_requests(article)
    answers = [_labeller(request) for request in requests]
    line = extractor.from_answers(article, answers)
    assert any(c.sector == "health" for c in line.commitments)
    short = extractor.from_answers(article, answers[:-1])
    assert short.error is not None and "answers for" in short.error.message


def test_sentence_answer_ignores_a_quote_and_keeps_the_sentence_as_evidence() -> None:
    sentence = "The sides signed a memorandum on energy. " * 12  # longer than a quote may be
    validate = sentence_validator(sentence)
    items, errors = validate({"commitments": [
        {"quote": "invented", "parties": ["A"], "sector": "hydropower", "action": "build grids",
         "status": "sign"},
        {"parties": [], "sector": "energy", "action": "x", "status": "agreed"},
    ]})
    assert len(items) == 1 and len(errors) >= 1
    assert items[0].quote == sentence[: len(items[0].quote)] and len(items[0].quote) <= 300
    assert (items[0].sector, items[0].status) == ("energy", "signed")


def test_items_under_a_kind_that_is_no_commitment_are_dropped() -> None:
    """The model labels the sentence first; items written under its own "goodwill" or
    "conflict" contradict that label. No kind, or an unknown one, drops nothing."""
    sentence = "The sides agreed to build a bridge."
    validate = sentence_validator(sentence)
    item = {"parties": ["A", "B"], "sector": "transport", "action": "build a bridge",
            "status": "agreed"}
    for kind in ("goodwill", "meeting", "background", "conflict", "domestic"):
        assert validate({"kind": kind, "commitments": [item]}) == ([], [])
    for answer in ({"kind": "commitment", "commitments": [item]}, {"commitments": [item]},
                   {"kind": "unheard-of", "commitments": [item]}):
        items, errors = validate(answer)
        assert [i.action for i in items] == ["build a bridge"] and errors == []


def test_the_answer_schema_asks_for_the_kind_first_when_the_examples_show_it(
    gazetteer: Gazetteer, prompts: PromptSet, tmp_path: Path
) -> None:
    examples = json.loads(prompts.sources["sentence_examples.json"])
    assert not prompts.sentence_kinds  # the shipped v3 examples name no kind
    assert list(SentencePlanner(prompts, gazetteer).schema["properties"]) == ["commitments"]
    for example in examples:
        example["answer"] = {"kind": "commitment" if example["answer"]["commitments"]
                             else "goodwill", **example["answer"]}
    (tmp_path / "sentence_examples.json").write_text(json.dumps(examples), encoding="utf-8")
    kinded = PromptSet.load(tmp_path)
    assert kinded.sentence_kinds
    schema = SentencePlanner(kinded, gazetteer).schema
    assert list(schema["properties"]) == ["kind", "commitments"]
    assert set(schema["properties"]["kind"]["enum"]) >= {"commitment", "goodwill", "conflict"}


def _item_fields(schema: dict[str, Any]) -> list[str]:
    item = schema["properties"]["commitments"]["items"]
    assert list(item["properties"]) == item["required"]  # strict servers need every field
    return list(item["properties"])


def test_the_item_fields_are_asked_in_the_examples_order(
    gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    """llama.cpp's grammar writes properties in schema order: v8's examples put the
    action before the sector, so the model names the sector of the action it wrote."""
    assert _item_fields(SentencePlanner(prompts, gazetteer).schema) == [
        "parties", "sector", "action", "status"]
    v8 = PromptSet.load(Path(__file__).parent.parent / "eval" / "prompts" / "sentences-v8")
    assert v8.sentence_item_order == ("parties", "action", "sector", "status")
    assert _item_fields(SentencePlanner(v8, gazetteer).schema) == [
        "parties", "action", "sector", "status"]
    # The validator does not care about order; the answer's fields are the same.
    validate = sentence_validator("Norland will build a bridge to Kestria.")
    items, errors = validate({"commitments": [{"parties": ["Norland", "Kestria"],
                                               "action": "build a bridge", "sector": "transport",
                                               "status": "intended"}]})
    assert errors == [] and [i.sector for i in items] == ["transport"]


def test_reordering_ignores_names_the_item_lacks_and_keeps_the_rest() -> None:
    schema = answer_json_schema(SentenceAnswer)
    reorder_item_fields(schema, ("status", "quote", "action"))
    assert _item_fields(schema) == ["status", "action", "parties", "sector"]


KINDED_PROMPTS = sorted(
    path.parent for path in (Path(__file__).parent.parent / "eval" / "prompts").glob(
        "*/sentence_examples.json")
    if '"kind"' in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("folder", KINDED_PROMPTS, ids=lambda p: p.name)
def test_every_example_answer_of_a_kinded_prompt_fits_its_schema(folder: Path) -> None:
    prompts = PromptSet.load(folder)
    assert prompts.sentence_kinds and '"kind"' in prompts.sentence_system()
    for example in json.loads(prompts.sources["sentence_examples.json"]):
        answer = KindedSentenceAnswer.model_validate(example["answer"])
        assert (answer.kind == "commitment") == bool(answer.commitments)


def test_unknown_strategy_is_refused(gazetteer: Gazetteer, prompts: PromptSet) -> None:
    with pytest.raises(ConfigError, match="strategy"):
        Extractor(FakeBackend(), prompts, gazetteer,
                  ExtractConfig(strategy="words"))


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("The United States is planning to build a port in the region.", "intended"),
        ("The two governments are considering a joint loan programme.", "discussed"),
        ("The sides are discussing new rules for labour migration.", "discussed"),
        ("The United States is providing $5 million for schools.", "implemented"),
        ("Japan has been supplying vaccines to Vietnam since May.", "implemented"),
        ("China is building a railway to Laos.", "implemented"),
    ],
)
def test_only_progressive_verbs_of_doing_mean_work_under_way(sentence: str, status: str) -> None:
    assert cue_status(sentence) == status


def _extract_sentences(
    model: Callable[[CompletionRequest], Completion], text: str, gazetteer: Gazetteer,
    prompts: PromptSet, **config: Any,
) -> OutputLine:
    """One article through the sentence strategy (list-sector copies off by default), so
    each test sees only the model's own items and the step it switches."""
    settings = ExtractConfig(strategy="sentences", **config)
    return Extractor(FakeBackend(model), prompts, gazetteer, settings).extract(
        Article("test", text))


TWO_AREAS_TEXT = (
    "Talks in Dushanbe\n\nTajikistan and Kazakhstan held talks in Dushanbe on Monday. "
    "The two countries agreed to expand cooperation in energy and to open a railway."
)


def _one_item_for_a_list(request: CompletionRequest) -> Completion:
    """A small model's answer to a sentence of two areas: one item, the first only."""
    if "railway" not in _asked(request):
        return _answer([])
    return _answer([{"parties": ["Tajikistan", "Kazakhstan"], "sector": "energy",
                     "status": "agreed", "action": "expand cooperation in energy"}])


@pytest.mark.parametrize(
    ("setting", "strategy", "expands"),
    [("auto", "sentences", False), ("auto", "passages", True), ("on", "sentences", True),
     ("off", "passages", False)],
)
def test_sentence_sectors_are_added_by_default_for_passages_only(
    setting: Literal["auto", "on", "off"], strategy: str, expands: bool
) -> None:
    config = ExtractConfig(strategy=strategy, sentence_sectors=setting)
    assert config.expands_sentence_sectors is expands


@pytest.mark.parametrize("setting", ["auto", "on"])
def test_sentence_sectors_on_copy_the_item_into_each_sector_its_sentence_names(
    setting: str, gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    line = _extract_sentences(_one_item_for_a_list, TWO_AREAS_TEXT, gazetteer, prompts,
                              sentence_sectors=setting)
    sectors = sorted(str(c.sector) for c in line.commitments)
    if setting == "on":
        assert sectors == ["energy", "transport"]
        assert {c.status for c in line.commitments} == {"agreed"}
    else:
        assert sectors == ["energy"]


SPREAD_TEXT = (
    "Talks in Dushanbe\n\nTajikistan and Kazakhstan held talks in Dushanbe on Monday. "
    "The two countries will upgrade critical infrastructure across the region. "
    "They also agreed to build a hydropower plant and a road to it."
)


def _spreader(request: CompletionRequest) -> Completion:
    """A model that files each action of a sentence under several sectors."""
    sentence = _asked(request)
    parties = ["Tajikistan", "Kazakhstan"]
    items: list[dict[str, object]] = []
    if "infrastructure" in sentence:
        items += [{"parties": parties, "sector": s, "status": "intended",
                   "action": "upgrade critical infrastructure across the region"}
                  for s in ("energy", "transport", "agriculture", "finance")]
    if "hydropower" in sentence:
        items += [{"parties": parties, "sector": s, "status": "agreed",
                   "action": "build a hydropower plant and a road to it"}
                  for s in ("energy", "transport", "health")]
    return _answer(items)


@pytest.mark.parametrize("collapse", [True, False])
def test_one_action_filed_under_many_sectors_keeps_only_the_sectors_it_names(
    collapse: bool, gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    line = _extract_sentences(_spreader, SPREAD_TEXT, gazetteer, prompts,
                              collapse_spread=collapse)
    assert line.error is None
    by_action: dict[str, set[str]] = {}
    for c in line.commitments:
        by_action.setdefault(c.action, set()).add(str(c.sector))
    upgrade = by_action["upgrade critical infrastructure across the region"]
    plant = by_action["build a hydropower plant and a road to it"]
    if collapse:
        # No sector word in the action or sentence: the model's first sector stands.
        assert upgrade == {"energy"}
        # "hydropower" names energy and "road" transport; the health copy goes.
        assert plant == {"energy", "transport"}
        assert line.meta["spread"] == 3 + 1
    else:
        assert upgrade == {"energy", "transport", "agriculture", "finance"}
        assert plant == {"energy", "transport", "health"}


HEADING_TEXT = (
    "Talks in Dushanbe\n\nTajikistan and Kazakhstan agreed to review cooperation on migration "
    "and labour quotas.\n\nBilateral Cooperation for the Response to the Pandemic\n\n"
    "The two countries will jointly build a vaccine plant in Khujand."
)


def _context_bleeder(request: CompletionRequest) -> Completion:
    """A model that labels a heading with the sentence before it."""
    sentence = _asked(request)
    parties = ["Tajikistan", "Kazakhstan"]
    action = ("build a vaccine plant in Khujand" if "vaccine" in sentence
              else "review cooperation on migration")
    item = {"parties": parties, "sector": "governance", "action": action, "status": "agreed"}
    return _answer([item])


@pytest.mark.parametrize("drop", [True, False])
def test_an_item_about_the_context_sentence_is_not_evidenced_by_its_own(
    drop: bool, gazetteer: Gazetteer, prompts: PromptSet
) -> None:
    line = _extract_sentences(_context_bleeder, HEADING_TEXT, gazetteer, prompts,
                              drop_unsupported=drop)
    quotes = {e.quote for c in line.commitments for e in c.evidence
              if c.action == "review cooperation on migration"}
    heading = "Bilateral Cooperation for the Response to the Pandemic"
    assert any(q.startswith("Tajikistan and Kazakhstan agreed") for q in quotes)
    assert (heading in quotes) is not drop
    assert (line.meta["unsupported"] >= 1) is drop


def test_opening_is_the_first_sentences_up_to_the_limit_and_always_the_first() -> None:
    from extractor.sentences import opening_of

    text = (
        "Norland and Kestria sign a deal\n\n"
        "The leaders of Norland and Kestria met in Velmar on Tuesday. "
        "They agreed to build a port. They also discussed tourism."
    )
    assert opening_of(text) == (
        "The leaders of Norland and Kestria met in Velmar on Tuesday. "
        "They agreed to build a port. They also discussed tourism."
    )
    assert opening_of(text, 1) == "The leaders of Norland and Kestria met in Velmar on Tuesday."
    assert opening_of(text, 90) == (
        "The leaders of Norland and Kestria met in Velmar on Tuesday. They agreed to build a port."
    )


def test_the_opening_shown_with_each_request_follows_opening_chars(
    prompts: PromptSet, gazetteer: Gazetteer
) -> None:
    from extractor.units import SentencePlanner

    text = (
        "Norway and Kenya sign a deal\n\n"
        "The leaders of Norway and Kenya met in Nairobi on Tuesday. "
        "Norway and Kenya agreed to build a port in Mombasa. "
        "They will also cooperate in tourism."
    )
    article = Article(id="a", text=text)
    asked = {}
    for chars in (400, 1):
        plan = SentencePlanner(prompts, gazetteer, opening_chars=chars).plan(article)
        asked[chars] = plan.units[-1].messages[-1]["content"]
    assert "agreed to build a port in Mombasa" in asked[400].split("Context only")[0]
    assert "agreed to build a port in Mombasa" not in asked[1].split("Context only")[0]
    assert "met in Nairobi" in asked[1]
