"""Finished lines kept in the call log (``jobs.linecache``): what makes a line reusable,
and a corpus job's re-run that neither asks the model nor assembles again."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from extractor.articles import Article
from extractor.cli import EXIT_OK, main
from extractor.jobs.calllog import DB_NAME, CallLog
from extractor.jobs.linecache import LineCache, code_fingerprint, job_fingerprint
from extractor.schemas.records import ArticleError, OutputLine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from openai_stub import LatencyServer  # noqa: E402


class DictStore:
    def __init__(self) -> None:
        self.lines: dict[str, str] = {}

    def lookup_line(self, key: str) -> str | None:
        return self.lines.get(key)

    def store_line(self, key: str, line: str) -> None:
        self.lines[key] = line


def _line(article_id: str, **meta: object) -> OutputLine:
    return OutputLine(id=article_id, meta={"model": "m", **meta})


def test_a_stored_line_comes_back_under_the_new_articles_id_and_date() -> None:
    cache = LineCache(DictStore(), "setup-1")
    article = Article("a-1", "Norland and Kestria agreed to build a road.", date="2024-05-01")
    assert cache.get(article) is None
    cache.put(article, _line("a-1", cached=True).model_copy(update={"date": "2024-05-01"}))
    stored = json.loads(next(iter(cache.store.lines.values())))  # type: ignore[attr-defined]
    assert stored["date"] is None and "cached" not in stored["meta"]
    again = cache.get(Article("b-7", article.text, date="2025-01-01"))
    assert again is not None
    assert again.id == "b-7" and again.meta["cached"] is True and again.meta["line_cached"]


def test_the_key_follows_text_title_and_setup_but_not_the_id() -> None:
    store = DictStore()
    one, other = LineCache(store, "setup-1"), LineCache(store, "setup-2")
    article = Article("a", "Norland and Kestria agreed to build a road.", title="Roads")
    assert one.key(article) == one.key(Article("b", article.text, title="Roads"))
    assert one.key(article) != one.key(Article("a", article.text, title="Other"))
    assert one.key(article) != one.key(Article("a", article.text + " ", title="Roads"))
    assert one.key(article) != other.key(article)


def test_failed_lines_and_unreadable_articles_are_never_stored() -> None:
    cache = LineCache(DictStore(), "setup")
    article = Article("a", "Some text.")
    cache.put(article, OutputLine(id="a", error=ArticleError(type="ModelError", message="x")))
    assert cache.get(article) is None
    broken = Article("b", "", error=("DecodeError", "not UTF-8"))
    cache.put(broken, _line("b"))
    assert cache.store.lines == {}  # type: ignore[attr-defined]


def test_a_line_of_an_older_schema_is_a_miss() -> None:
    store = DictStore()
    cache = LineCache(store, "setup")
    article = Article("a", "Some text.")
    store.lines[cache.key(article)] = '{"id": "a", "commitments": "not a list"}'
    assert cache.get(article) is None


def test_any_change_to_code_or_setup_changes_the_fingerprint(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "data").mkdir(parents=True)
    (package / "rules.py").write_text("LIMIT = 1\n", encoding="utf-8")
    (package / "data" / "aliases.json").write_text("{}", encoding="utf-8")
    before = code_fingerprint(package)
    (package / "notes.md").write_text("docs are not code", encoding="utf-8")
    assert code_fingerprint(package) == before
    (package / "data" / "aliases.json").write_text('{"x": 1}', encoding="utf-8")
    assert code_fingerprint(package) != before
    base = dict(code="c", backend="openai", model="m", endpoint="http://h/v1",
                prompt_version="p1", settings="ExtractConfig(a=1)")
    assert job_fingerprint(**base) == job_fingerprint(**base)
    for field, value in (("model", "m2"), ("prompt_version", "p2"), ("settings", "x")):
        assert job_fingerprint(**{**base, field: value}) != job_fingerprint(**base)


def _corpus(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            text = (f"Officials met on Monday. Tajikistan and Uzbekistan agreed to build "
                    f"bridge number {n} over the river. More talks will follow.")
            fh.write(json.dumps({"id": f"art-{n}", "text": text, "date": "2024-03-0" + str(n + 1)})
                     + "\n")
    return path


def _calls() -> int:
    db = sqlite3.connect(Path(os.environ["EXTRACTOR_HOME"]) / DB_NAME)
    try:
        return int(db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])
    finally:
        db.close()


def test_a_re_run_takes_whole_lines_and_a_changed_setting_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    server = LatencyServer(latency=0.0, jitter=0.0).start()
    try:
        corpus = _corpus(tmp_path / "corpus.jsonl", 5)
        args = ["--backend", "openai", "--model", "m", "--base-url", server.url, "--quiet"]
        first, second, third = (tmp_path / f"{n}.jsonl" for n in ("1", "2", "3"))
        assert main(["extract", str(corpus), "-o", str(first), *args]) == EXIT_OK
        asked, logged = server.calls, _calls()
        assert main(["extract", str(corpus), "-o", str(second), *args]) == EXIT_OK
        assert server.calls == asked and _calls() == logged  # no request, not even cached
        one = [json.loads(x) for x in first.read_text(encoding="utf-8").splitlines()]
        two = [json.loads(x) for x in second.read_text(encoding="utf-8").splitlines()]
        assert [x["commitments"] for x in two] == [x["commitments"] for x in one]
        assert [x["date"] for x in two] == [x["date"] for x in one] == [
            f"2024-03-0{n + 1}" for n in range(5)]
        assert all(x["meta"]["line_cached"] and x["meta"]["cached"] for x in two)
        # Another setting is another setup: each request comes from the call cache again,
        # and the line is assembled anew.
        assert main(["extract", str(corpus), "-o", str(third), *args, "--keep-other"]) == 0
        three = [json.loads(x) for x in third.read_text(encoding="utf-8").splitlines()]
        assert server.calls == asked and _calls() > logged
        assert not any(x["meta"].get("line_cached") for x in three)
        assert all(x["meta"]["cached"] for x in three)
    finally:
        server.stop()
    log = CallLog.in_home(Path(os.environ["EXTRACTOR_HOME"]))
    try:
        assert len(log.db.query("SELECT key FROM lines")) == 10  # 5 articles x 2 setups
    finally:
        log.close()
