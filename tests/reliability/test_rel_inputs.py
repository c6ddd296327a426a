"""Hostile input through the CLI: each bad input gets its own output line with an error
object and a clear message, the good ones are still extracted, nothing is skipped
silently, and the exit code says which of the three outcomes it was."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_server import FaultServer
from rel_helpers import BRIDGE, BRIDGE_ANSWER, assert_grounded, extractor_for, run
from stub_server import ok

import extractor.sentences as sentences_module
from extractor.articles import Article
from extractor.backends.fake import FakeBackend
from extractor.cli import EXIT_FAILURES, EXIT_OK, EXIT_USAGE, main
from extractor.inputs import iter_articles
from extractor.schemas.records import OutputLine

RUSSIAN = (
    "Президент Таджикистана Эмомали Рахмон и глава Татарстана Рустам Минниханов "
    "договорились о сотрудничестве в области энергетики."
)
FRENCH = "Le Tadjikistan et l'Ouzbékistan ont signé un accord sur l'énergie à Douchanbé."


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    srv = FaultServer(default=ok(BRIDGE_ANSWER)).start()
    try:
        yield srv
    finally:
        srv.stop()


def _cli(server: FaultServer, *inputs: object, extra: tuple[str, ...] = ()) -> list[str]:
    return ["extract", *map(str, inputs), "--quiet", "--backend", "openai", "--model", "m",
            "--base-url", server.url + "/v1", "--max-attempts", "1", *extra]


def _lines(text: str) -> list[OutputLine]:
    return [OutputLine.model_validate(json.loads(raw)) for raw in text.splitlines() if raw]


def _by_id(lines: list[OutputLine]) -> dict[str, OutputLine]:
    return {line.id: line for line in lines}


def _error(line: OutputLine) -> str:
    assert line.error is not None, f"{line.id} has no error"
    assert line.commitments == []
    return f"{line.error.type}: {line.error.message}"


def test_bad_files_each_get_an_error_line_and_the_good_one_is_extracted(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "empty.txt": b"",
        "blank.txt": b"  \n\t \r\n  ",
        "binary.dat": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00",
        "junk.txt": bytes(range(0x80, 0x100)) * 3,
        "good.txt": BRIDGE.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code = main(_cli(server, *(tmp_path / name for name in files)))
    out = capsys.readouterr()
    assert code == EXIT_FAILURES
    lines = _by_id(_lines(out.out))
    assert list(lines) == ["empty", "blank", "binary", "junk", "good"]
    assert "the article is empty" in _error(lines["empty"])
    assert "the article is empty" in _error(lines["blank"])
    assert "binary" in _error(lines["binary"])
    junk = _error(lines["junk"])
    assert "not valid UTF-8" in junk and "--encoding" in junk
    assert lines["good"].error is None and len(lines["good"].commitments) == 1
    assert len(server.requests) == 1  # only the good article reached the model


@pytest.mark.parametrize(
    ("text", "encoding", "detected"),
    [
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8-r", "koi8_r"),
        (FRENCH, "latin-1", None),  # latin-1 and cp1252/cp1250 agree on these letters
        (RUSSIAN, "utf-16", None),  # BOM: not "binary" despite its NUL bytes
        (FRENCH, "utf-8-sig", None),
    ],
)
def test_legacy_encodings_are_detected(
    tmp_path: Path, text: str, encoding: str, detected: str | None
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    [article] = list(iter_articles([str(path)]))
    assert article.error is None
    assert article.text == text
    if detected is not None:
        assert article.extra["encoding"] == detected


def test_encoding_option_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp866"))
    [article] = list(iter_articles([str(path)], encoding="cp866"))
    assert article.text == RUSSIAN


def test_detected_encoding_is_recorded_in_meta(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    [line] = run(iter_articles([str(path)]), extractor_for(FakeBackend()))
    assert line.error is None
    assert line.meta.get("input_encoding") == "cp1251"


def test_five_megabyte_article_keeps_article_wide_offsets() -> None:
    filler = "Officials met again and talked about the weather at length. "
    text = filler * (5 * 1024 * 1024 // len(filler)) + BRIDGE
    backend = FakeBackend(lambda request: json.dumps(BRIDGE_ANSWER))
    started = time.monotonic()
    [line] = run([Article("big", text)], extractor_for(backend, chunk_chars=500_000))
    assert time.monotonic() - started < 60
    assert line.error is None and line.meta["chunks"] > 10
    assert_grounded(line, text)
    assert line.commitments[0].evidence[0].start == len(text) - len(BRIDGE)


def test_long_article_is_split_into_sentences_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: the opening was recomputed per passage, making long articles quadratic."""
    calls = 0
    original = sentences_module.sentence_spans

    def counting(text: str) -> list[tuple[int, int]]:
        nonlocal calls
        calls += 1
        return original(text)

    monkeypatch.setattr(sentences_module, "sentence_spans", counting)
    sentences_module.opening_of.cache_clear()
    text = "Tajikistan and Uzbekistan talked about water. " * 4000  # ~180 kB, ~60 passages
    [line] = run([Article("long", text)], extractor_for(FakeBackend()))
    assert line.error is None and line.meta["chunks"] > 50
    assert calls <= 3


def test_jsonl_with_broken_missing_and_duplicate_ids(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        json.dumps({"id": "one", "text": BRIDGE}).encode(),
        b'{"id": "broken", "text": "unterminated',
        json.dumps({"text": BRIDGE}).encode(),  # no id
        json.dumps({"id": "one", "text": BRIDGE}).encode(),  # duplicate id
        json.dumps({"id": "latin", "text": "x"}).encode().replace(b"x", b"caf\xe9"),
        json.dumps({"id": "notext", "body": BRIDGE}).encode(),
        b"[1, 2, 3]",
        json.dumps({"id": "last", "text": BRIDGE}).encode(),
    ]
    corpus.write_bytes(b"\n".join(rows) + b"\n")
    code = main(_cli(server, corpus))
    lines = _lines(capsys.readouterr().out)
    assert code == EXIT_FAILURES
    assert [line.id for line in lines] == [
        "one", "corpus:2", "corpus:3", "one#2", "corpus:5", "notext", "corpus:7", "last"
    ]
    ok_ids = [line.id for line in lines if line.error is None]
    assert ok_ids == ["one", "corpus:3", "one#2", "last"]
    errors = {line.id: _error(line) for line in lines if line.error is not None}
    assert "line 2: bad JSON" in errors["corpus:2"]
    assert "line 5: not UTF-8" in errors["corpus:5"]
    assert "no string field 'text'" in errors["notext"]
    assert "line 7: not an object" in errors["corpus:7"]


def test_folder_mixing_text_html_and_junk(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git" / "objects").mkdir(parents=True)
    (folder / "a.txt").write_text(BRIDGE, encoding="utf-8")
    (folder / "b.html").write_text(
        f"<html><head><title>Bridge</title><script>var x=1;</script></head>"
        f"<body><p>{BRIDGE}</p></body></html>", encoding="utf-8")
    (folder / "sub" / "c.md").write_text(BRIDGE, encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (folder / "archive.zip").write_bytes(b"PK\x03\x04\x14\x00\x00\x00")
    (folder / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / ".git" / "objects" / "ab").write_bytes(b"x\x9c\x00\x01")
    code = main(_cli(server, folder))
    lines = _by_id(_lines(capsys.readouterr().out))
    assert code == EXIT_FAILURES
    # Sorted paths; hidden files and folders (.DS_Store, .git) are not articles.
    assert sorted(lines) == ["a", "archive", "b", "c", "photo", "ru"]
    for name in ("a", "b", "c"):
        assert lines[name].error is None and len(lines[name].commitments) == 1, name
    assert "binary" in _error(lines["photo"]) and "binary" in _error(lines["archive"])
    assert lines["ru"].error is None and lines["ru"].meta["input_encoding"] == "cp1251"


def test_missing_path_stops_before_any_work(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BRIDGE, encoding="utf-8")
    code = main(_cli(server, good, tmp_path / "typo.txt"))
    out = capsys.readouterr()
    assert code == EXIT_USAGE
    assert out.out == ""  # nothing half done
    assert "typo.txt does not exist" in out.err
    assert server.requests == []


def test_unreadable_file_gets_an_error_line(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(BRIDGE, encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(BRIDGE, encoding="utf-8")
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        # Tests run as root, who reads a chmod 000 file anyway: deny it here instead.
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code = main(_cli(server, secret, good))
    lines = _by_id(_lines(capsys.readouterr().out))
    assert code == EXIT_FAILURES
    assert "Permission denied" in _error(lines["secret"])
    assert lines["good"].error is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files; mocked above")
def test_chmod_000_file_gets_an_error_line(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(BRIDGE, encoding="utf-8")
    path.chmod(0)
    try:
        [article] = list(iter_articles([str(path)]))
    finally:
        path.chmod(0o600)
    assert article.error is not None and "Permission denied" in article.error[1]


def test_exit_codes(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BRIDGE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(_cli(server, good)) == EXIT_OK
    assert main(_cli(server, good, empty)) == EXIT_FAILURES
    assert main(_cli(server, good, extra=("--encoding", "klingon"))) == EXIT_USAGE
    assert main(_cli(server, good, extra=("--max-attempts", "0"))) == EXIT_USAGE
    assert main(["extract", str(good), "--backend", "openai", "--quiet"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown --encoding 'klingon'" in err
    assert "--backend openai needs --model" in err
    with pytest.raises(SystemExit) as usage:
        main(["extract", str(good), "--backend", "nonsense"])
    assert usage.value.code == EXIT_USAGE  # argparse's own usage errors are 2 as well
