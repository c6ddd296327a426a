"""Sentence spans and chunking: coverage, size limits, boundaries, overlap, offsets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.chunking import chunk_article
from extractor.sentences import enclosing_sentence, sentence_spans


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_respect_abbreviations_and_initials() -> None:
    text = (
        "Mr. Smith met Dr. Jones in the U.S. on Monday. They agreed to build a dam! "
        "Will it work? The talks, e.g. on trade, went well. J. K. Rowling wrote it."
    )
    assert _texts(text) == [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.",
        "They agreed to build a dam!",
        "Will it work?",
        "The talks, e.g. on trade, went well.",
        "J. K. Rowling wrote it.",
    ]


def test_sentences_split_on_lines_and_trim_whitespace() -> None:
    text = "  Headline here\n\n  First para.  Second sentence \n- bullet one\n- bullet two\n"
    assert _texts(text) == [
        "Headline here", "First para.", "Second sentence", "- bullet one", "- bullet two",
    ]


def test_sentences_cover_the_text_in_order(example_text: str) -> None:
    spans = sentence_spans(example_text)
    assert spans
    for (s1, e1), (s2, _e2) in itertools.pairwise(spans):
        assert s1 < e1 <= s2
    covered = "".join(example_text[s:e] for s, e in spans)
    non_space = "".join(example_text.split())
    assert "".join(covered.split()) == non_space  # only whitespace falls between spans


def test_enclosing_sentence_widens_to_whole_sentences(example_text: str) -> None:
    spans = sentence_spans(example_text)
    quote = "mutual interest in strengthening"
    start = example_text.index(quote)
    s, e = enclosing_sentence(spans, start, start + len(quote))
    assert example_text[s:e] == (
        "In this context, both sides emphasized their mutual interest in strengthening "
        "cooperation to establish textile production facilities."
    )
    # A quote across two sentences takes both.
    quote2 = "facilities.\n\nThe sides also"
    start2 = example_text.index(quote2)
    s2, e2 = enclosing_sentence(spans, start2, start2 + len(quote2))
    assert example_text[s2:e2].startswith("In this context")
    assert example_text[s2:e2].endswith("joint production of medical products.")


def test_short_article_is_one_chunk(example_text: str) -> None:
    chunks = chunk_article(example_text, max_chars=len(example_text))
    assert len(chunks) == 1
    assert (chunks[0].start, chunks[0].end, chunks[0].text) == (
        0, len(example_text), example_text,
    )


@pytest.mark.parametrize("max_chars", [250, 400, 600, 1000])
def test_chunks_respect_size_boundaries_overlap_and_offsets(
    example_text: str, max_chars: int
) -> None:
    chunks = chunk_article(example_text, max_chars=max_chars)
    assert len(chunks) > 1
    spans = sentence_spans(example_text)
    starts = {s for s, _ in spans}
    ends = {e for _, e in spans}
    for chunk in chunks:
        assert chunk.text == example_text[chunk.start : chunk.end]  # article-relative
        assert len(chunk.text) <= max_chars
        assert chunk.start in starts and chunk.end in ends  # whole sentences only
    for before, after in itertools.pairwise(chunks):
        assert before.start < after.start
        assert after.end > before.end  # something new in every chunk
        if after.start >= before.end:
            # No overlap only where the previous chunk's last sentence and the next new
            # sentence do not fit in one chunk together.
            last = next(s for s, e in spans if e == before.end)
            first_new_end = next(e for s, e in spans if s == after.start)
            assert first_new_end - last > max_chars
        else:
            assert after.start in starts
    assert any(a.start < b.end for b, a in itertools.pairwise(chunks))
    # Every sentence is inside some chunk.
    for s, e in spans:
        assert any(c.start <= s and e <= c.end for c in chunks)


def test_no_overlap_when_asked(example_text: str) -> None:
    chunks = chunk_article(example_text, max_chars=500, overlap_sentences=0)
    for before, after in itertools.pairwise(chunks):
        assert after.start >= before.end


def test_sentence_longer_than_a_chunk_is_cut_hard() -> None:
    long = "word " * 100  # 500 characters, no sentence end
    text = f"Short one. {long.strip()}. Tail sentence."
    chunks = chunk_article(text, max_chars=120)
    assert all(len(c.text) <= 120 for c in chunks)
    assert all(c.text == text[c.start : c.end] for c in chunks)
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_no_chunk_is_only_overlap() -> None:
    """A big sentence after the overlap must not leave a chunk that repeats the previous
    one (a wasted model call)."""
    text = "Aa aa. Bb bb. Cc cc. " + "D" * 40 + ". " + "E" * 40 + ". Ff ff."
    chunks = chunk_article(text, max_chars=70)
    for before, after in itertools.pairwise(chunks):
        assert after.end > before.end
    assert [c.text for c in chunks] == [text[:62], text[63:]]


_SENTENCE = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(st.sampled_from(["alpha", "Beta", "gamma", "x", "Delta42", "long" * 8]),
             min_size=1, max_size=12),
    st.sampled_from([".", "!", "?", ".\n\n", "\n"]),
)


@settings(max_examples=150, deadline=None)
@given(sentences=st.lists(_SENTENCE, min_size=1, max_size=30),
       max_chars=st.integers(20, 300), overlap=st.integers(0, 2))
def test_property_chunks_cover_and_fit(sentences: list[str], max_chars: int, overlap: int) -> None:
    text = " ".join(sentences)
    chunks = chunk_article(text, max_chars=max_chars, overlap_sentences=overlap)
    assert chunks
    covered: set[int] = set()
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert len(c.text) <= max(max_chars, len(text) if len(chunks) == 1 else 0)
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    for before, after in itertools.pairwise(chunks):
        assert after.end > before.end
