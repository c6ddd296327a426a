"""Does the model's own probability of writing an item separate gold sentences from the
rest? For every candidate of the default sentence prompt, the request is sent as the
pipeline sends it, with logprobs, and P(item) is read where the answer's list opens:
the first token that starts with "[", its alternatives "[{..." (an item) against "[]"
(none). Prints the AUC for gold-quote sentences and what cut-offs would keep and send.

    python eval/measure_item_probability.py [--gold eval/gold/dev.jsonl] [--limit N]
        [--out FILE]   (rows are appended, and a run resumes where FILE stops)
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

from measure_screen import gold_sentences  # eval/ is on the path when run as a script
from openai import OpenAI

from extractor.articles import Article
from extractor.backends.embedded import EmbeddedBackend
from extractor.evaluate.loading import load_gold
from extractor.gazetteer import Gazetteer
from extractor.prompting import PromptSet
from extractor.sentences import sentence_spans
from extractor.settings import default_home
from extractor.units import SentencePlanner


def item_probability(logprobs: Any) -> float | None:
    """P(an item) against P(no item) at the token that opens the list, renormalized."""
    for token in logprobs.content if logprobs else []:
        if token.token.strip().startswith("["):
            options = {t.token.strip(): math.exp(t.logprob) for t in token.top_logprobs}
            empty = sum(p for t, p in options.items() if t.startswith("[]"))
            item = sum(p for t, p in options.items() if t.startswith("[") and
                       not t.startswith("[]"))
            return item / (item + empty) if item + empty else None
    return None


def auc(positive: list[float], negative: list[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in positive for n in negative]
    return sum(pairs) / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--out", type=Path, default=Path("/tmp/item_probability.jsonl"))
    args = parser.parse_args()
    done: set[tuple[str, int]] = set()
    if args.out.exists():
        done = {(r["id"], r["start"]) for r in map(json.loads, args.out.open(encoding="utf-8"))}
    planner = SentencePlanner(PromptSet.load(), Gazetteer.build())
    backend = EmbeddedBackend(cache_dir=default_home())
    client = OpenAI(base_url=f"{backend.base_url}/v1", api_key=backend.api_key)
    started = time.monotonic()
    golds = load_gold(args.gold)
    with args.out.open("a", encoding="utf-8") as out:
        for gold in golds[: args.limit or None]:
            article = Article(gold.id, gold.text, gold.title)
            spans = dict(sentence_spans(article.text))
            hit = gold_sentences(gold, list(spans.items()))
            for unit in planner.plan(article).units:
                if (article.id, unit.hint) in done:
                    continue
                response = client.chat.completions.create(
                    model="embedded", messages=unit.messages,  # type: ignore[arg-type]
                    max_tokens=8, temperature=0.0, logprobs=True, top_logprobs=10,
                    response_format={"type": "json_schema", "json_schema": {
                        "name": "answer", "strict": True, "schema": unit.schema}},
                )
                row = {"id": article.id, "start": unit.hint,
                       "gold": (unit.hint, spans[unit.hint]) in hit,
                       "p_item": item_probability(response.choices[0].logprobs)}
                out.write(json.dumps(row) + "\n")
                out.flush()
    backend.close()
    rows = [r for r in map(json.loads, args.out.open(encoding="utf-8"))
            if r["p_item"] is not None]
    positive = [r["p_item"] for r in rows if r["gold"]]
    negative = [r["p_item"] for r in rows if not r["gold"]]
    print(f"{len(rows)} candidates ({len(positive)} gold sentences), "
          f"{time.monotonic() - started:.0f} s; AUC {auc(positive, negative):.3f}")
    for cut in (0.8, 0.9, 0.95, 0.97, 0.98):
        kept = sum(p >= cut for p in positive) / len(positive)
        sent = sum(p >= cut for p in negative) / len(negative)
        print(f"P(item) >= {cut}: keeps {kept:.2f} of gold sentences, "
              f"{sent:.2f} of the others")


if __name__ == "__main__":
    main()
