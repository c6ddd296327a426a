"""Split articles longer than the model's window on sentence boundaries, with overlap.

Chunks carry their offset into the article, so everything downstream grounds against
the whole text and offsets stay article-relative.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.sentences import sentence_spans


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    text: str


def chunk_article(text: str, max_chars: int, overlap_sentences: int = 1) -> list[Chunk]:
    """Chunks of at most ~``max_chars`` characters; one chunk if the article fits."""
    if len(text) <= max_chars:
        return [Chunk(0, len(text), text)]
    spans = sentence_spans(text)
    if not spans:
        return [Chunk(0, len(text), text)]
    chunks: list[Chunk] = []
    i = 0
    while i < len(spans):
        first = i
        start = spans[i][0]
        end = spans[i][1]
        i += 1
        while i < len(spans) and spans[i][1] - start <= max_chars:
            end = spans[i][1]
            i += 1
        if end - start > max_chars:  # one sentence longer than a chunk: cut it hard
            for s in range(start, end, max_chars):
                chunks.append(Chunk(s, min(end, s + max_chars), text[s : min(end, s + max_chars)]))
        else:
            chunks.append(Chunk(start, end, text[start:end]))
        if i < len(spans):
            following = max(first + 1, i - overlap_sentences)
            # Overlap only as far as the next new sentence still fits beside it: a chunk
            # of nothing but overlap would repeat part of the previous chunk.
            while following < i and spans[i][1] - spans[following][0] > max_chars:
                following += 1
            i = following
    return chunks
