"""OpenAIBackend over real HTTP: the official ``openai`` client against a local stub server
speaking the chat-completions wire format."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from conftest import FAST_RETRY
from stub_server import StubServer, chat_completion, error, ok

from extractor.articles import Article
from extractor.backends.base import CompletionRequest
from extractor.backends.openai_backend import OpenAIBackend, schema_instruction
from extractor.errors import BackendError, ConfigError, ModeRejectedError, TransientBackendError
from extractor.gazetteer import Gazetteer
from extractor.pipeline import ExtractConfig, Extractor
from extractor.prompting import PromptSet
from extractor.schemas.answer import answer_json_schema

PASSAGES = ExtractConfig(retry=FAST_RETRY, strategy="passages")

SCHEMA = answer_json_schema()


def _request(user: str = "Article:\nTajikistan and Tatarstan agreed.") -> CompletionRequest:
    return CompletionRequest(
        messages=[{"role": "system", "content": "You extract."},
                  {"role": "user", "content": user}],
        json_schema=SCHEMA,
        max_tokens=321,
    )


def _backend(stub: StubServer, mode: str = "auto") -> OpenAIBackend:
    return OpenAIBackend("m", base_url=stub.url + "/v1", api_key="test", mode=mode, timeout=10)


def test_json_schema_mode_sends_the_schema(stub: StubServer) -> None:
    stub.enqueue(ok('{"commitments": []}', prompt_tokens=77, completion_tokens=5))
    backend = _backend(stub, "json_schema")
    request = _request()
    completion = backend.complete(request)
    backend.close()
    assert completion.text == '{"commitments": []}'
    assert (completion.finish_reason, completion.mode) == ("stop", "json_schema")
    assert (completion.prompt_tokens, completion.completion_tokens) == (77, 5)
    [body] = stub.requests
    assert body["model"] == "m"
    assert body["messages"] == request.messages  # unchanged: the server enforces the schema
    assert body["max_tokens"] == 321
    assert body["temperature"] == 0.0 and body["seed"] == 0
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "commitments", "schema": SCHEMA, "strict": True},
    }
    assert stub.headers[0]["authorization"] == "Bearer test"


def test_auto_mode_steps_down_and_remembers(stub: StubServer) -> None:
    stub.enqueue(
        error(400, "response_format of type json_schema is not supported"),
        error(500, "Unsupported response_format type: json_object"),
        ok('{"commitments": []}'),
        ok('{"commitments": []}'),
    )
    backend = _backend(stub)
    request = _request()
    original = json.loads(json.dumps(request.messages))
    first = backend.complete(request)
    assert first.mode == "text"
    assert len(stub.requests) == 3
    schema_shape, object_shape, text_shape = stub.requests
    assert schema_shape["response_format"]["type"] == "json_schema"
    assert schema_shape["messages"] == original
    assert object_shape["response_format"] == {"type": "json_object"}
    assert "response_format" not in text_shape
    for body in (object_shape, text_shape):
        # Without server-side enforcement the schema goes into the prompt.
        assert body["messages"][0] == original[0]
        assert body["messages"][-1]["content"] == original[-1]["content"] + schema_instruction(
            SCHEMA
        )
    assert request.messages == original  # the caller's request is not modified
    # The mode that worked is kept: the next call goes straight to text.
    second = backend.complete(_request("Article:\nAnother one."))
    assert second.mode == "text"
    assert len(stub.requests) == 4
    assert "response_format" not in stub.requests[3]
    backend.close()


def test_auto_mode_stops_at_json_object_when_it_works(stub: StubServer) -> None:
    stub.enqueue(error(400, "Invalid schema for response_format 'commitments'"),
                 ok('{"commitments": []}'), ok('{"commitments": []}'))
    backend = _backend(stub)
    assert backend.complete(_request()).mode == "json_object"
    assert backend.complete(_request()).mode == "json_object"
    assert [b.get("response_format", {}).get("type") for b in stub.requests] == [
        "json_schema", "json_object", "json_object",
    ]


def test_fixed_mode_rejected_is_not_stepped_down(stub: StubServer) -> None:
    stub.enqueue(error(400, "response_format json_schema is not supported"))
    backend = _backend(stub, "json_schema")
    with pytest.raises(ModeRejectedError):
        backend.complete(_request())
    assert len(stub.requests) == 1


def test_bad_request_not_about_format_is_a_plain_error(stub: StubServer) -> None:
    stub.enqueue(error(400, "maximum context length is 8192 tokens"))
    with pytest.raises(BackendError) as info:
        _backend(stub).complete(_request())
    assert not isinstance(info.value, (TransientBackendError, ModeRejectedError))
    assert "400" in str(info.value) and "context length" in str(info.value)
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "7"}, 7.0), ({"retry-after-ms": "1500"}, 1.5), ({}, None),
     ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, None)],
)
def test_rate_limit_is_transient_with_retry_after(
    stub: StubServer, headers: dict[str, str], expected: float | None
) -> None:
    stub.enqueue(error(429, "Rate limit reached for requests", headers))
    with pytest.raises(TransientBackendError) as info:
        _backend(stub).complete(_request())
    assert info.value.retry_after == expected
    assert "429" in str(info.value)
    assert len(stub.requests) == 1  # the client itself never retries


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(stub: StubServer, status: int) -> None:
    stub.enqueue(error(status, "The server is overloaded"))
    with pytest.raises(TransientBackendError) as info:
        _backend(stub, "json_schema").complete(_request())
    assert str(status) in str(info.value)
    assert len(stub.requests) == 1


@pytest.mark.parametrize("status", [401, 403, 404])
def test_client_errors_are_not_transient(stub: StubServer, status: int) -> None:
    stub.enqueue(error(status, "Incorrect API key provided"))
    with pytest.raises(BackendError) as info:
        _backend(stub).complete(_request())
    assert not isinstance(info.value, TransientBackendError)
    assert f"({status})" in str(info.value)


def test_connection_refused_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = OpenAIBackend("m", base_url=f"http://127.0.0.1:{port}/v1", api_key="k", timeout=5)
    with pytest.raises(TransientBackendError, match="connection"):
        backend.complete(_request())
    backend.close()


def test_length_finish_reason_and_refusal_pass_through(stub: StubServer) -> None:
    cut = chat_completion('{"commitments": [{"sector"', finish_reason="length")
    refused = chat_completion("")
    refused["choices"][0]["message"]["content"] = None
    refused["choices"][0]["message"]["refusal"] = "I can't help with that."
    stub.enqueue((200, {}, cut), (200, {}, refused))
    backend = _backend(stub, "json_schema")
    completion = backend.complete(_request())
    assert completion.finish_reason == "length"
    assert completion.text == '{"commitments": [{"sector"'
    refusal = backend.complete(_request())
    assert refusal.text == ""
    assert refusal.extra == {"refusal": "I can't help with that."}


def test_no_choices_is_transient(stub: StubServer) -> None:
    empty = chat_completion("x")
    empty["choices"] = []
    stub.enqueue((200, {}, empty))
    with pytest.raises(TransientBackendError, match="no choices"):
        _backend(stub).complete(_request())


def test_config_errors() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        OpenAIBackend("m", base_url="http://127.0.0.1:9/v1", api_key=None)
    with pytest.raises(ConfigError, match="mode"):
        OpenAIBackend("m", base_url="http://127.0.0.1:9/v1", api_key="k", mode="xml")


def test_pipeline_over_http_survives_a_rate_limit(
    stub: StubServer, example_text: str, good_answer: dict[str, Any], gazetteer: Gazetteer,
    prompts: PromptSet,
) -> None:
    stub.enqueue(error(429, "Rate limit reached", {"Retry-After": "0"}), ok(good_answer))
    backend = _backend(stub, "json_schema")
    extractor = Extractor(backend, prompts, gazetteer, PASSAGES)
    line = extractor.extract(Article("seed", example_text))
    backend.close()
    assert line.error is None
    assert line.meta["backend"] == "openai" and line.meta["model"] == "m"
    assert line.meta["attempts"] == 1
    assert line.meta["usage"] == {"prompt_tokens": 120, "completion_tokens": 30}
    assert len(stub.requests) == 2
    assert stub.requests[0] == stub.requests[1]  # the retry repeats the same request
    assert len(line.commitments) == len(good_answer["commitments"])
    for item in line.commitments:
        assert {p.key for p in item.parties} == {"TJ", "RU-TA"}
        for ev in item.evidence:
            assert example_text[ev.start : ev.end] == ev.quote


def test_pipeline_over_http_re_asks_with_the_conversation(
    stub: StubServer, example_text: str, good_answer: dict[str, Any], gazetteer: Gazetteer,
    prompts: PromptSet,
) -> None:
    stub.enqueue(ok("I am not sure what you want."), ok(good_answer))
    backend = _backend(stub, "json_schema")
    extractor = Extractor(backend, prompts, gazetteer, PASSAGES)
    line = extractor.extract(Article("seed", example_text))
    assert line.error is None and line.meta["attempts"] == 2
    second = stub.requests[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[2]["content"] == "I am not sure what you want."
    assert "not JSON" in second[3]["content"]
