"""The model picks, from an article's screened sentences, those that state a commitment.

The per-sentence request answers with items for 93 % of the sentences it is shown (522 of
560 on the prompt-v9 dev recording): asked about one sentence at a time, a 1.5B model
does not say "none". Here it sees up to ``--window`` screened sentences at once, numbered,
and names the ones that state a commitment: a choice among sentences, in one short
answer, before any sentence is labelled. This measures that selection alone, against
the gold: the share of gold sentences it keeps, the share of screened sentences it
sends on, and what a labelling run (the per-sentence answers of a recording, which are
the same requests whatever is selected) scores when only the selected sentences' records
are kept.

    python eval/measure_selection.py --answer numbers|kinds --record FILE.replay.jsonl \
        [--limit N] [--gold eval/gold/dev.jsonl] [--pred eval/runs/sentences-v9.pred.jsonl]

The selection requests are recorded (``--record``; a stopped run resumes from the file)
and replayed with ``--backend replay``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from extractor.articles import Article
from extractor.backends.base import Backend, CompletionRequest
from extractor.backends.replay import Recorder, ReplayBackend
from extractor.evaluate.loading import load_gold, load_predictions
from extractor.evaluate.matching import locate, match
from extractor.gazetteer import Gazetteer
from extractor.screen import Candidate, screen
from extractor.sentences import enclosing_sentence, sentence_spans
from extractor.settings import default_home

PROMPTS = Path(__file__).parent / "prompts"


def windows(candidates: list[Candidate], size: int) -> list[list[Candidate]]:
    return [candidates[i : i + size] for i in range(0, len(candidates), size)]


KINDS = ["commitment", "background", "goodwill", "meeting", "conflict", "domestic"]


def schema(answer: str, count: int) -> dict[str, Any]:
    """``numbers``: the numbers of the sentences that state a commitment; ``kinds``: one
    kind per numbered sentence, in order, so that the model must judge each one."""
    if answer == "numbers":
        return {
            "type": "object",
            "properties": {
                "sentences": {
                    "type": "array",
                    "items": {"type": "integer", "enum": list(range(1, count + 1))},
                    "maxItems": count,
                }
            },
            "required": ["sentences"],
            "additionalProperties": False,
        }
    return {
        "type": "object",
        "properties": {
            "kinds": {
                "type": "array",
                "items": {"type": "string", "enum": KINDS},
                "minItems": count,
                "maxItems": count,
            }
        },
        "required": ["kinds"],
        "additionalProperties": False,
    }


def chosen_numbers(answer: str, text: str, count: int) -> list[int]:
    """The 1-based numbers an answer selects; all of them when it cannot be read."""
    try:
        data = json.loads(text)
        if answer == "numbers":
            return [n for n in data["sentences"] if isinstance(n, int) and 1 <= n <= count]
        return [n for n, kind in enumerate(data["kinds"][:count], start=1)
                if kind == "commitment"]
    except (ValueError, KeyError, TypeError):
        return list(range(1, count + 1))


def select(backend: Backend, article: Article, candidates: list[Candidate], size: int,
           answer: str, system: str, user_template: Any
           ) -> tuple[set[tuple[int, int]], int, int]:
    """The (start, end) of the selected sentences, and the tokens spent."""
    chosen: set[tuple[int, int]] = set()
    prompt_tokens = completion_tokens = 0
    for window in windows(candidates, size):
        user = user_template.render(title=article.display_title,
                                    sentences=[c.text for c in window])
        request = CompletionRequest(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            json_schema=schema(answer, len(window)), max_tokens=64)
        completion = backend.complete(request)
        prompt_tokens += completion.prompt_tokens
        completion_tokens += completion.completion_tokens
        for number in chosen_numbers(answer, completion.text, len(window)):
            chosen.add((window[number - 1].start, window[number - 1].end))
    return chosen, prompt_tokens, completion_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--pred", type=Path, default=Path("eval/runs/sentences-v9.pred.jsonl"))
    parser.add_argument("--record", type=Path, required=True)
    parser.add_argument("--backend", choices=["embedded", "replay"], default="embedded")
    parser.add_argument("--answer", choices=["numbers", "kinds"], default="kinds")
    parser.add_argument("--window", type=int, default=8)
    parser.add_argument("--limit", type=int, default=0, help="first N articles only")
    args = parser.parse_args()

    env = Environment(loader=FileSystemLoader(PROMPTS / f"selection-{args.answer}"),
                      undefined=StrictUndefined, keep_trailing_newline=True)
    system = env.get_template("system.j2").render()
    user_template = env.get_template("user.j2")
    gazetteer = Gazetteer.build()
    backend: Backend
    if args.backend == "replay":
        backend = ReplayBackend(args.record)
    else:
        from extractor.backends.embedded import EmbeddedBackend

        backend = Recorder(EmbeddedBackend(cache_dir=default_home() / "models"), args.record)
    golds = load_gold(args.gold)
    if args.limit:
        golds = golds[: args.limit]
    preds = load_predictions(args.pred).lines
    kept_gold = all_gold = sent = screened = 0
    tp = n_pred = n_gold = tp_all = n_pred_all = 0
    tokens = [0, 0]
    try:
        for gold in golds:
            article = Article(id=gold.id, text=gold.text, title=gold.title)
            text, spans = gold.text, sentence_spans(gold.text)
            candidates = screen(text, gazetteer).candidates
            chosen, p, c = select(backend, article, candidates, args.window, args.answer,
                                  system, user_template)
            tokens[0] += p
            tokens[1] += c
            screened += len(candidates)
            sent += len(chosen)
            gold_sentences = set()
            for commitment in gold.commitments:
                span = locate(commitment.evidence[0], text)
                if span is not None:
                    gold_sentences.add(enclosing_sentence(spans, *span))
            all_gold += len(gold_sentences)
            kept_gold += len(gold_sentences & chosen)
            out = preds.get(gold.id)
            records = out.commitments if out is not None else []
            kept = []
            for record in records:
                span = locate(record.evidence[0], text)
                if span is not None and enclosing_sentence(spans, *span) in chosen:
                    kept.append(record)
            tp += len(match(kept, gold.commitments, text).pairs)
            tp_all += len(match(records, gold.commitments, text).pairs)
            n_pred += len(kept)
            n_pred_all += len(records)
            n_gold += len(gold.commitments)
            print(f"{gold.id}: {len(chosen)} of {len(candidates)} selected", flush=True)
    finally:
        backend.close()

    def f1(t: int, p: int, g: int) -> str:
        return f"P {t / max(p, 1):.3f}  R {t / max(g, 1):.3f}  F1 {2 * t / max(p + g, 1):.3f}"

    print(f"articles {len(golds)}; selection: {sent} of {screened} screened sentences sent "
          f"({sent / max(screened, 1):.3f}); gold sentences kept {kept_gold} of {all_gold} "
          f"({kept_gold / max(all_gold, 1):.3f}); tokens {tokens[0]} + {tokens[1]}")
    print(f"labelling run {args.pred}: all records {f1(tp_all, n_pred_all, n_gold)}")
    print(f"  only on selected sentences       {f1(tp, n_pred, n_gold)}")


if __name__ == "__main__":
    main()
