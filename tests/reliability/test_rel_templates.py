"""User prompt templates (``--prompts DIR``) render in Jinja's sandbox: a template reaching
for Python internals, or for the file system, or for unbounded work, fails with our own
TemplateError: exit 2 when the system prompt fails, an error line when the per-article
prompt does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_server import FaultServer
from rel_helpers import BRIDGE, BRIDGE_ANSWER
from stub_server import ok

from extractor.cli import EXIT_FAILURES, EXIT_USAGE, main
from extractor.errors import TemplateError
from extractor.prompting import PromptSet

ATTACKS = [
    pytest.param("{{ ''.__class__.__mro__ }}", "unsafe", id="mro"),
    pytest.param("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe", id="subclasses"),
    pytest.param("{{ lipsum.__globals__['os'].system('id') }}", "unsafe", id="lipsum-globals"),
    pytest.param("{{ cycler.__init__.__globals__.os }}", "unsafe", id="cycler-globals"),
    pytest.param("{{ sectors|attr('__class__') }}", "unsafe", id="attr-filter"),
    pytest.param("{% include '/etc/passwd' %}", "no loader", id="include-file"),
    pytest.param("{% for i in range(10**9) %}x{% endfor %}", "Range too big", id="huge-range"),
    pytest.param("{{ 'x' * 10**9 }}", "refuses a repetition", id="memory-bomb"),
    pytest.param("{{ 1/0 }}", "ZeroDivisionError", id="zero-division"),
    pytest.param("{{ no_such_variable }}", "undefined", id="undefined"),
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    srv = FaultServer(default=ok(BRIDGE_ANSWER)).start()
    try:
        yield srv
    finally:
        srv.stop()


def _cli(server: FaultServer, prompts: Path, article: Path) -> list[str]:
    # Passages: system.j2 and user.j2 are the templates under attack here.
    return ["extract", str(article), "--quiet", "--prompts", str(prompts), "--backend",
            "openai", "--model", "m", "--base-url", server.url + "/v1", "--strategy", "passages"]


@pytest.mark.parametrize(("template", "says"), ATTACKS)
def test_hostile_system_template_is_a_template_error(template: str, says: str) -> None:
    sources = dict(PromptSet.load().sources)
    sources["system.j2"] = template
    with pytest.raises(TemplateError, match=r"system\.j2 failed to render") as caught:
        PromptSet(sources).system()
    assert says in str(caught.value)


def test_hostile_system_template_exits_2_before_any_request(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "system.j2").write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(BRIDGE, encoding="utf-8")
    code = main(_cli(server, prompts, article))
    out = capsys.readouterr()
    assert code == EXIT_USAGE
    assert "prompt template system.j2 failed to render" in out.err and "unsafe" in out.err
    assert "Traceback" not in out.err
    assert out.out == "" and server.requests == []


def test_hostile_user_template_gives_error_lines(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "user.j2").write_text(
        "{{ text }}{% for i in range(10**9) %}{% endfor %}", encoding="utf-8"
    )
    article = tmp_path / "a.txt"
    article.write_text(BRIDGE, encoding="utf-8")
    code = main(_cli(server, prompts, article))
    out = capsys.readouterr()
    assert code == EXIT_FAILURES
    [line] = [json.loads(raw) for raw in out.out.splitlines()]
    assert line["error"]["type"] == "TemplateError"
    assert "user.j2" in line["error"]["message"] and "Range too big" in line["error"]["message"]
    assert server.requests == []
