"""Read articles from files, folders, JSONL corpora or stdin, as a stream.

A file that cannot be read becomes an Article carrying an error, so it still gets its
own output line; nothing is skipped silently.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import re
import sys
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import charset_normalizer

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


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer's "chaos" of the best guess; above this the bytes are not text.
MAX_CHAOS = 0.2
# The legacy encodings news scrapes come in (Western and Central European, Cyrillic for
# Russian-language sources). Left open, detection reads short Cyrillic text as Shift-JIS.
LEGACY_ENCODINGS = (
    "cp1251",
    "koi8_r",
    "cp866",
    "mac_cyrillic",
    "iso8859_5",
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1254",
    "cp1257",
)


def decode(data: bytes, encoding: str | None) -> str:
    """UTF-8 (or the given encoding), else a detected legacy encoding; never mojibake.

    Bytes that are not UTF-8 are common in news scrapes (latin-1, cp1252, and cp1251 or
    KOI8-R for Russian-language sources): charset-normalizer picks the encoding whose
    decoding reads as language. Bytes it cannot read as text are an error.
    """
    return decode_detect(data, encoding)[0]


def decode_detect(data: bytes, encoding: str | None) -> tuple[str, str | None]:
    """The text and, when it was guessed rather than UTF-8 or given, the encoding used."""
    wide = encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    if wide:
        return data.decode(encoding or ""), None
    for bom, name in _BOMS:  # UTF-16/32 text is full of NUL bytes: check before "binary"
        if encoding is None and data.startswith(bom):
            try:
                return data.decode(name), None
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:8192]:
        raise ValueError("the file is binary (it contains NUL bytes), not text")
    if encoding:
        return data.decode(encoding), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        position = exc.start
    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None or best.chaos > MAX_CHAOS:
        raise ValueError(
            f"the file is not valid UTF-8 (byte {position}) and its encoding could not be "
            "detected; pass --encoding (e.g. cp1251, latin-1) or re-encode it as UTF-8"
        )
    return str(best), best.encoding


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
        text, guessed = decode_detect(data, encoding)
    except (OSError, ValueError, LookupError) as exc:
        return Article(article_id, "", error=("InputError", f"{path}: {exc}"))
    article = _article_from_text(
        article_id, text, html=path.suffix.lower() in HTML_SUFFIXES or None
    )
    if guessed and article.error is None:
        article = dataclasses.replace(article, extra={**article.extra, "encoding": guessed})
    return article


def read_jsonl(
    stream: Iterable[str | bytes], origin: str, encoding: str | None = None
) -> Iterator[Article]:
    """One article a line; a broken line yields an error article with the line number.

    Lines may be bytes, decoded one by one, so a line of bad bytes costs only that line.
    """
    seen: dict[str, int] = {}
    for number, raw_line in enumerate(stream, start=1):
        fallback_id = f"{origin}:{number}"
        if isinstance(raw_line, bytes):
            try:
                line = raw_line.decode(encoding or ("utf-8-sig" if number == 1 else "utf-8"))
            except (UnicodeDecodeError, LookupError) as exc:
                yield Article(
                    fallback_id,
                    "",
                    error=("InputError", f"line {number}: not {encoding or 'UTF-8'} ({exc})"),
                )
                continue
        else:
            line = raw_line
        if not line.strip():
            continue
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
        if record.get("date") not in (None, ""):
            date = iso_date(record["date"])
            if date is None:
                yield dataclasses.replace(article, error=(
                    "InputError",
                    f"line {number}: field 'date' {record['date']!r} is not an ISO 8601 date "
                    "(YYYY-MM-DD, YYYY-MM or YYYY); fix it or leave the field out"))
                continue
            article = dataclasses.replace(article, date=date)
        yield article


_ISO_DATE = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?)?([T ][0-9:.]+(Z|[+-][0-9:]+)?)?$")


def iso_date(value: Any) -> str | None:
    """``value`` as an ISO 8601 date (time of day dropped), or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value.strip())
    if match is None:
        return None
    return match.group(1) + (match.group(2) or "")


def load_dates(path: Path) -> dict[str, str]:
    """Article ids to publication dates from ``--dates FILE``: JSON Lines of objects with
    ``id`` and ``date`` (such as a sources.jsonl), or CSV/TSV lines ``id,date``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read --dates {path}: {exc}") from exc
    dates: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"--dates {path}:{number}: bad JSON: {exc}") from exc
            key, raw = record.get("id"), record.get("date")
        else:
            cells = re.split(r"[,\t]", line)
            if len(cells) < 2 or cells[0].strip().lower() == "id":
                continue  # a header row, or a line without a date
            key, raw = cells[0].strip(), cells[1].strip()
        date = iso_date(raw)
        if key in (None, "") or date is None:
            raise ConfigError(
                f"--dates {path}:{number}: needs an id and an ISO 8601 date "
                f"(YYYY-MM-DD), got id {key!r}, date {raw!r}"
            )
        dates[str(key)] = date
    return dates


def with_dates(articles: Iterable[Article], dates: dict[str, str]) -> Iterator[Article]:
    """Each article with its date from ``dates`` where the input itself gave none."""
    for article in articles:
        date = dates.get(article.id)
        if article.date is None and date is not None:
            article = dataclasses.replace(article, date=date)
        yield article


def iter_articles(
    sources: list[str], encoding: str | None = None, dates: dict[str, str] | None = None
) -> Iterator[Article]:
    """Articles from every source in order, dated from ``dates`` (``--dates``) where the
    input has no date. Unknown paths fail fast as a ConfigError, all of them, before the
    first article is read (not halfway through a job)."""
    if dates:
        yield from with_dates(_iter_articles(sources, encoding), dates)
        return
    yield from _iter_articles(sources, encoding)


def _iter_articles(sources: list[str], encoding: str | None = None) -> Iterator[Article]:
    missing = [s for s in sources if s != "-" and not Path(s).exists()]
    if missing:
        raise ConfigError(f"input {', '.join(missing)} does not exist")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(
                f"unknown --encoding {encoding!r}; use a Python codec name such as utf-8, "
                "cp1251, koi8-r or latin-1"
            ) from None
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
                # "\n" only: splitlines() would cut records at U+2028 inside a string.
                yield from read_jsonl(text.split("\n"), "stdin")
            else:
                yield _article_from_text("stdin", text)
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
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
    """Line by line, never the whole file: a corpus JSONL may be larger than memory."""
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Article(path.stem, "", error=("InputError", f"{path}: {exc}"))
        return
    with stream:
        yield from read_jsonl(stream, path.stem, encoding)
