"""locate(): exact, normalized and fuzzy passes; offsets index the original text."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extractor.grounding import FUZZY_THRESHOLD, MIN_FUZZY_CHARS, locate
from extractor.schemas.records import Alignment

LDQ, RDQ, RSQ = "\u201c", "\u201d", "\u2019"  # curly quotes, spelled out for the linter


def test_exact_match_offsets(example_text: str) -> None:
    quote = "both sides emphasized their mutual interest"
    found = locate(quote, example_text)
    assert found is not None
    assert found.alignment == Alignment.EXACT
    assert example_text[found.start : found.end] == quote
    assert found.start == example_text.index(quote)


def test_surrounding_quote_marks_and_spaces_are_ignored(example_text: str) -> None:
    quote = "The sides also discussed the potential"
    found = locate(f'  "{quote}" ', example_text)
    assert found is not None and found.alignment == Alignment.EXACT
    assert example_text[found.start : found.end] == quote


def test_normalized_curly_quotes_whitespace_and_case() -> None:
    text = f"Intro.  The minister said the deal is {LDQ}historic{RDQ}, and\n  it{RSQ}s   DONE now."
    quote = "the deal is \"historic\", and it's done"
    found = locate(quote, text)
    assert found is not None
    assert found.alignment == Alignment.NORMALIZED
    span = text[found.start : found.end]
    assert span == f"the deal is {LDQ}historic{RDQ}, and\n  it{RSQ}s   DONE"


def test_normalized_dashes_and_nbsp() -> None:
    text = "Growth \u2014 about 5\u00a0percent \u2014 is expected."
    found = locate("growth - about 5 percent - is expected", text)
    assert found is not None and found.alignment == Alignment.NORMALIZED
    assert text[found.start : found.end] == text[:-1]


def test_fuzzy_above_threshold(example_text: str) -> None:
    original = "both sides emphasized their mutual interest in strengthening cooperation"
    typo = "both sides emphasised their mutual interests in strengthening cooperation"
    found = locate(typo, example_text)
    assert found is not None
    assert found.alignment == Alignment.FUZZY
    assert found.score >= FUZZY_THRESHOLD
    start = example_text.index(original)
    # The aligned span overlaps the real sentence almost entirely.
    assert abs(found.start - start) <= 3
    assert abs(found.end - (start + len(original))) <= 3


def test_fuzzy_below_threshold_is_none(example_text: str) -> None:
    quote = "the parties signed a treaty on nuclear submarines in Geneva"
    assert locate(quote, example_text) is None


def test_short_quotes_are_never_fuzzy(example_text: str) -> None:
    short = "Tajikistanx"
    assert len(short) < MIN_FUZZY_CHARS
    assert locate(short, example_text) is None


def test_empty_quote_is_none(example_text: str) -> None:
    assert locate("", example_text) is None
    assert locate(' " ', example_text) is None


def test_offsets_in_cyrillic_text() -> None:
    text = "Москва  и\n\n Душанбе. Стороны договорились о строительстве ГЭС на реке Вахш. Конец."
    quote = "стороны договорились о строительстве ГЭС"
    found = locate(quote, text)
    assert found is not None and found.alignment == Alignment.NORMALIZED
    assert text[found.start : found.end] == "Стороны договорились о строительстве ГЭС"
    exact = locate("строительстве ГЭС на реке Вахш", text)
    assert exact is not None and exact.alignment == Alignment.EXACT
    assert text[exact.start : exact.end] == "строительстве ГЭС на реке Вахш"


def test_offsets_after_accents_and_emoji() -> None:
    text = "🇹🇯🤝🇷🇺 Café société: Bogotá and Zürich 😀 agreed to twin their museums. Fin."
    quote = "agreed to twin their museums"
    found = locate(quote, text)
    assert found is not None and found.alignment == Alignment.EXACT
    assert text[found.start : found.end] == quote
    # Normalized pass with non-ASCII before the match: offsets still code points.
    folded = locate("ZÜRICH  😀 AGREED to twin", text)
    assert folded is not None and folded.alignment == Alignment.NORMALIZED
    assert text[folded.start : folded.end] == "Zürich 😀 agreed to twin"
    fuzzy = locate("Zurich 😀 agreed to twinn their museums", text)
    assert fuzzy is not None and fuzzy.alignment == Alignment.FUZZY
    assert "agreed to twin their museums" in text[fuzzy.start : fuzzy.end + 1]


def test_hint_picks_the_nearest_occurrence() -> None:
    sentence = "The sides agreed to cooperate."
    text = " ".join([sentence, "Filler text here." * 5, sentence, "More filler." * 5, sentence])
    starts = [i for i in range(len(text)) if text.startswith(sentence, i)]
    assert len(starts) == 3
    for target in starts:
        found = locate(sentence, text, hint=target + 4)
        assert found is not None and found.start == target
    assert locate(sentence, text).start == starts[0]  # type: ignore[union-attr]
    # The hint also chooses among normalized matches.
    found = locate("THE SIDES AGREED TO COOPERATE", text, hint=starts[2])
    assert found is not None and found.alignment == Alignment.NORMALIZED
    assert found.start == starts[2]


_ALPHABET = st.sampled_from(
    [*list("abcdeXYZ019 ,.;-\n\t'\""), "é", "ü", "Ж", "ж", "ß", "İ", "😀", "🇹", "\u201c", "\u2014"]
)


def _shout(text: str) -> str:
    """Upper case where it keeps the length (a model does not turn "ß" into "SS")."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(_ALPHABET, min_size=1, max_size=120), data=st.data())
def test_property_exact_substring_is_found_at_its_offsets(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text) - 1), label="start")
    j = data.draw(st.integers(i + 1, len(text)), label="end")
    substring = text[i:j]
    # locate() trims spaces and quote marks around a quote; test substrings it keeps whole.
    assume(substring == substring.strip().strip("\"'\u201c\u201d") and substring)
    found = locate(substring, text, hint=i)
    assert found is not None
    assert found.alignment == Alignment.EXACT
    assert text[found.start : found.end] == substring
    assert found.start == i  # the hint is the substring's own position: nearest is itself


@settings(max_examples=200, deadline=None)
@given(text=st.text(_ALPHABET, min_size=1, max_size=120), data=st.data())
def test_property_reflowed_quote_maps_back_into_the_text(text: str, data: st.DataObject) -> None:
    """A quote whose whitespace the model re-flowed and whose case it changed is still
    found, and its span folds to the same words."""
    i = data.draw(st.integers(0, len(text) - 1), label="start")
    j = data.draw(st.integers(i + 1, len(text)), label="end")
    quote = _shout(" ".join(text[i:j].split()))
    assume(any(ch.isalnum() for ch in quote))
    found = locate(quote, text, hint=i)
    assert found is not None
    span = text[found.start : found.end]
    assert found.alignment in (Alignment.EXACT, Alignment.NORMALIZED)
    expected = " ".join(quote.strip().strip("\"'\u201c\u201d").split())
    assert _shout(" ".join(span.split())) == expected
