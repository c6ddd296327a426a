"""Read articles from files, folders, JSONL corpora or stdin, as a stream.

A file that cannot be read becomes an Article carrying an error, so it still gets its
own output line; nothing is skipped silently.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

from extractor.articles import Article
from extractor.errors import ConfigError

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "title",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Visible text of an HTML page with paragraphs kept apart, and its <title>."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, parser.title.strip()


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(p|div|body|article)[\s>]", head)
    )


def decode(data: bytes, encoding: str | None) -> str:
    """UTF-8 (or the given encoding); an undecodable file is an error, never mojibake."""
    if b"\x00" in data[:8192]:
        raise ValueError("the file is binary (it contains NUL bytes), not text")
    if encoding:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"the file is not valid UTF-8 (byte {exc.start}); pass --encoding "
            "(e.g. cp1251, latin-1) or re-encode it"
        ) from None


def _article_from_text(article_id: str, text: str, html: bool | None = None) -> Article:
    title = ""
    if html or (html is None and looks_like_html(text)):
        text, title = html_to_text(text)
    if not text.strip():
        return Article(article_id, text, error=("InputError", "the article is empty"))
    return Article(article_id, text, title=title)


def read_file(path: Path, encoding: str | None = None) -> Article:
    article_id = path.stem
    try:
        data = path.read_bytes()
        text = decode(data, encoding)
    except (OSError, ValueError, LookupError) as exc:
        return Article(article_id, "", error=("InputError", f"{path}: {exc}"))
    return _article_from_text(article_id, text, html=path.suffix.lower() in HTML_SUFFIXES or None)


def read_jsonl(stream: TextIO, origin: str) -> Iterator[Article]:
    """One article a line; a broken line yields an error article with the line number."""
    seen: dict[str, int] = {}
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        fallback_id = f"{origin}:{number}"
        try:
            record: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Article(fallback_id, "", error=("InputError", f"line {number}: bad JSON: {exc}"))
            continue
        if not isinstance(record, dict):
            yield Article(fallback_id, "", error=("InputError", f"line {number}: not an object"))
            continue
        raw_id = record.get("id")
        article_id = str(raw_id) if raw_id not in (None, "") else fallback_id
        if article_id in seen:
            seen[article_id] += 1
            article_id = f"{article_id}#{seen[article_id]}"
        else:
            seen[article_id] = 1
        text = record.get("text")
        if not isinstance(text, str):
            yield Article(
                article_id, "", error=("InputError", f"line {number}: no string field 'text'")
            )
            continue
        article = _article_from_text(article_id, text)
        title = record.get("title")
        if isinstance(title, str) and title and article.error is None:
            article = Article(article.id, article.text, title=title)
        yield article


def iter_articles(sources: list[str], encoding: str | None = None) -> Iterator[Article]:
    """Articles from every source in order. Unknown paths fail fast as a ConfigError."""
    for source in sources:
        if source == "-":
            data = sys.stdin.buffer.read()
            try:
                text = decode(data, encoding)
            except ValueError as exc:
                yield Article("stdin", "", error=("InputError", f"stdin: {exc}"))
                continue
            stripped = text.lstrip()
            if stripped.startswith("{") and "\n" in stripped.strip():
                yield from read_jsonl(iter(text.splitlines(keepends=True)), "stdin")  # type: ignore[arg-type]
            else:
                yield _article_from_text("stdin", text)
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            for file in files:
                suffix = file.suffix.lower()
                if suffix in JSONL_SUFFIXES:
                    yield from _jsonl_file(file, encoding)
                else:
                    yield read_file(file, encoding)
        elif path.is_file():
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_file(path, encoding)
            else:
                yield read_file(path, encoding)
        elif not path.exists():
            raise ConfigError(f"input {source} does not exist")
        else:
            yield Article(path.name, "", error=("InputError", f"{source}: not a regular file"))


def _jsonl_file(path: Path, encoding: str | None) -> Iterator[Article]:
    try:
        with path.open(encoding=encoding or "utf-8", errors="strict") as stream:
            yield from read_jsonl(stream, path.stem)
    except (OSError, UnicodeDecodeError) as exc:
        yield Article(path.stem, "", error=("InputError", f"{path}: {exc}"))
