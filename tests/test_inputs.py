"""Reading articles: files, folders, HTML, JSONL, encodings; bad inputs become error articles."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.inputs import html_to_text, iter_articles, read_file, read_jsonl

HTML = """<!DOCTYPE html>
<html><head><title>Deal signed</title><style>p { color: red }</style>
<script>var secret = "do not keep";</script></head>
<body><nav>Menu</nav>
<article><h1>Tajikistan and Tatarstan</h1>
<p>The sides <b>agreed</b> to build a plant &amp; a school.</p>
<p>They also discussed&nbsp;tourism.</p></article>
</body></html>"""


def test_txt_file(tmp_path: Path, example_text: str) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(example_text, encoding="utf-8")
    [article] = list(iter_articles([str(path)]))
    assert article.id == "seed"
    assert article.error is None
    assert article.text == example_text


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffHello world.".encode())
    assert read_file(path).text == "Hello world."


def test_html_markup_is_stripped() -> None:
    text, title = html_to_text(HTML)
    assert title == "Deal signed"
    assert "<" not in text and "color" not in text and "secret" not in text
    assert "The sides agreed to build a plant & a school." in text
    # Paragraphs stay apart, so sentences do not run together.
    assert text == (
        "Menu\n\nTajikistan and Tatarstan\n\n"
        "The sides agreed to build a plant & a school.\n\nThey also discussed\u00a0tourism."
    )


def test_folder_with_txt_html_and_junk(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First article. The sides agreed.", encoding="utf-8")
    (folder / "sub" / "b.html").write_text(HTML, encoding="utf-8")
    (folder / "c.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff")
    (folder / ".hidden.txt").write_text("skipped", encoding="utf-8")
    articles = list(iter_articles([str(folder)]))
    assert [a.id for a in articles] == ["a", "c", "b"]  # sorted by path: a.txt, c.bin, sub/
    by_id = {a.id: a for a in articles}
    assert by_id["a"].error is None and by_id["a"].text == "First article. The sides agreed."
    assert by_id["b"].error is None and by_id["b"].title == "Deal signed"
    assert "<p>" not in by_id["b"].text and "agreed to build a plant" in by_id["b"].text
    kind, message = by_id["c"].error  # type: ignore[misc]
    assert kind == "InputError" and "binary" in message


def test_jsonl_broken_line_missing_and_duplicate_ids(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "x1", "title": "T1", "text": "One. The sides agreed."}),
        "{broken json",
        "",
        json.dumps({"text": "No id here."}),
        json.dumps({"id": "x1", "text": "Same id again."}),
        json.dumps({"id": "x2", "text": 42}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "x3", "text": "   "}),
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles = list(iter_articles([str(path)]))
    assert [a.id for a in articles] == [
        "x1", "corpus:2", "corpus:4", "x1#2", "x2", "corpus:7", "x3",
    ]
    ok = [a for a in articles if a.error is None]
    assert [(a.id, a.text) for a in ok] == [
        ("x1", "One. The sides agreed."), ("corpus:4", "No id here."), ("x1#2", "Same id again."),
    ]
    assert ok[0].title == "T1"
    errors = {a.id: a.error for a in articles if a.error is not None}
    assert errors["corpus:2"][0] == "InputError" and "line 2" in errors["corpus:2"][1]
    assert "text" in errors["x2"][1]
    assert "not an object" in errors["corpus:7"][1]
    assert "empty" in errors["x3"][1]


def test_read_jsonl_from_a_stream() -> None:
    stream = io.StringIO('{"id": "a", "text": "<p>Hello <i>there</i>.</p>"}\n')
    [article] = list(read_jsonl(stream, "s"))
    assert article.text == "Hello there."


def test_invalid_utf8_is_an_error_article(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 3)  # no NUL, not UTF-8, not language
    [article] = list(iter_articles([str(path)]))
    assert article.id == "junk"
    assert article.text == ""
    kind, message = article.error  # type: ignore[misc]
    assert kind == "InputError"
    assert "not valid UTF-8" in message and "--encoding" in message


def test_cp1251_without_encoding_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "cyr.txt"
    path.write_bytes("Душанбе и Казань договорились.".encode("cp1251"))
    [article] = list(iter_articles([str(path)]))
    assert article.error is None
    assert article.text == "Душанбе и Казань договорились."
    assert article.extra["encoding"] == "cp1251"


def test_encoding_option_decodes_cp1251(tmp_path: Path) -> None:
    text = "Душанбе и Казань договорились о сотрудничестве."
    path = tmp_path / "cyr.txt"
    path.write_bytes(text.encode("cp1251"))
    [article] = list(iter_articles([str(path)], encoding="cp1251"))
    assert article.error is None
    assert article.text == text


def test_unknown_encoding_is_a_config_error(tmp_path: Path) -> None:
    """It applies to every input, so it is a usage error (exit 2), found before any work."""
    path = tmp_path / "a.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown --encoding"):
        list(iter_articles([str(path)], encoding="no-such-codec"))


def test_jsonl_in_cp1251(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(json.dumps({"id": "r", "text": "Привет."}, ensure_ascii=False)
                     .encode("cp1251") + b"\n")
    [bad] = list(iter_articles([str(path)]))
    assert bad.error is not None and bad.error[0] == "InputError"
    [good] = list(iter_articles([str(path)], encoding="cp1251"))
    assert (good.id, good.text, good.error) == ("r", "Привет.", None)


@pytest.mark.parametrize("content", [b"", b"   \n\t\n"])
def test_empty_file_is_an_error_article(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    [article] = list(iter_articles([str(path)]))
    assert article.id == "empty"
    assert article.error == ("InputError", "the article is empty")


def test_missing_path_is_a_config_error(tmp_path: Path) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("Fine.", encoding="utf-8")
    articles = iter_articles([str(good), str(tmp_path / "nope.txt")])
    # Every path is checked before the first article: a typo must not stop a job midway.
    with pytest.raises(ConfigError, match=r"nope\.txt does not exist"):
        next(articles)


def test_stdin_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b"From stdin. Agreed."), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", fake)
    [article] = list(iter_articles(["-"]))
    assert (article.id, article.text, article.error) == ("stdin", "From stdin. Agreed.", None)
