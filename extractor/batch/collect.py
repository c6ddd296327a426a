"""Batch results -> the same output lines ``extractor extract`` writes.

Each result goes through the pipeline's post-model step (validate -> ground ->
normalize). A batch cannot re-ask, so an invalid answer is final: its article gets an
AnswerError line with the raw output. Every article of the job yields exactly one line:
failed requests, requests missing from the results and articles that changed since
submission all become error lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from openai.types import Batch
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from extractor.articles import Article
from extractor.backends.base import Completion
from extractor.backends.openai_backend import to_completion
from extractor.batch.jobs import JobArticle, JobRecord, text_hash
from extractor.errors import BackendError, ExtractorError, InputError
from extractor.pipeline import Extractor
from extractor.schemas.records import ArticleError, OutputLine

Result = Completion | ExtractorError


def _error_message(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message") or body["error"])
    return json.dumps(body)[:500]


def parse_result(row: dict[str, Any], mode: str) -> Result:
    """One line of a batch output or error file as an answer or an error."""
    error = row.get("error")
    response = row.get("response")
    if error:
        code = error.get("code", "error") if isinstance(error, dict) else "error"
        return BackendError(f"the batch did not run this request ({code}): "
                            f"{_error_message({'error': error})}")
    if not isinstance(response, dict):
        return BackendError("the batch result has neither a response nor an error")
    status = int(response.get("status_code", 0))
    body = response.get("body")
    if status != 200:
        return BackendError(f"the server refused the request ({status}): {_error_message(body)}")
    try:
        return to_completion(ChatCompletion.model_validate(body), mode)
    except ValidationError as exc:
        return BackendError(f"the batch response is not a chat completion: {exc.errors()[:1]}")
    except ExtractorError as exc:
        return exc


def parse_results(texts: Iterable[str], mode: str) -> dict[str, Result]:
    """custom_id -> result, from the output file and the error file."""
    results: dict[str, Result] = {}
    for text in texts:
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn line; its request is reported missing
            if isinstance(row, dict) and isinstance(row.get("custom_id"), str):
                results[row["custom_id"]] = parse_result(row, mode)
    return results


def _missing(custom_id: str, batch: Batch) -> BackendError:
    reasons = "; ".join(e.message or e.code or "" for e in (batch.errors.data or [])
                        ) if batch.errors else ""
    return BackendError(
        f"no result for request {custom_id} (batch {batch.status}"
        + (f": {reasons}" if reasons else "")
        + "); submit the affected articles again"
    )


def _error_line(extractor: Extractor, entry: JobArticle, error: ExtractorError) -> OutputLine:
    return OutputLine(
        id=entry.id,
        meta=extractor.base_meta(),
        error=ArticleError(type=type(error).__name__, message=str(error)),
    )


def collect_lines(
    job: JobRecord,
    batch: Batch,
    articles: Iterable[Article],
    results: dict[str, Result],
    extractor: Extractor,
) -> Iterator[OutputLine]:
    """One line per article of the job, in submission order."""
    reread = iter(articles)
    for entry in job.articles:
        article = next(reread, None)
        if article is None or article.id != entry.id or text_hash(article.text) != entry.sha256:
            line = _error_line(extractor, entry, InputError(
                f"article {entry.id} (position {entry.position}) is missing or changed since the "
                f"batch was submitted (inputs: {', '.join(job.inputs)}); submit it again"
            ))
        else:
            answers = [results[c] if c in results else _missing(c, batch) for c in entry.custom_ids]
            line = extractor.from_answers(article, answers)
        line.meta["batch_id"] = job.batch_id
        yield line
