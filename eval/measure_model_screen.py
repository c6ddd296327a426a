"""The model's yes/no screen alone against the gold: for every sentence the rule screen
keeps, ask the model "does this sentence state a commitment?" and count the share of
gold-quote sentences it keeps (aim >= 0.95) and the share of candidates it sends on.

    python eval/measure_model_screen.py [--gold eval/gold/dev.jsonl] [--out FILE]
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

from extractor.backends.embedded import EmbeddedBackend
from extractor.evaluate.loading import load_gold
from extractor.gazetteer import Gazetteer
from extractor.screen import screen
from extractor.sentences import sentence_spans
from extractor.settings import default_home

SYSTEM = """You screen sentences of news articles for analysts of international cooperation.

Answer yes when the sentence states a cooperation commitment: a specific action in a named
area or project that two or more parties (countries, organizations, companies), or one party
towards a named foreign partner, discussed, intend, agreed, signed or carried out. Aid, loans,
grants, deliveries and training given to another country count.

Answer no for:
- background, history, facts and statistics;
- goodwill with no named area or project ("strengthen ties", "deepen the partnership");
- the visit, meeting, call, talks or delegation itself; thanks, greetings, praise;
- conflict, threats, attacks, fighting, rejections, sanctions, criticism, coercion;
- one country's own plans or decisions with no foreign partner.

Examples (invented names):
{examples}

Answer with one word: yes or no."""


def system() -> str:
    prototypes = json.loads(Path("eval/screen_prototypes.json").read_text(encoding="utf-8"))
    pairs = [(t, "yes") for t in prototypes["yes"]] + [(t, "no") for t in prototypes["no"]]
    pairs.sort(key=lambda pair: pair[0])  # yes and no mixed, in a fixed order
    return SYSTEM.format(examples="\n".join(f"Sentence: {t} -> {a}" for t, a in pairs))


def user(title: str, previous: str, sentence: str) -> str:
    return f"Article title: {title}\nContext only: {previous}\n\nSentence: {sentence}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/model_screen.jsonl"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args()
    gazetteer = Gazetteer.build()
    backend = EmbeddedBackend(cache_dir=default_home())
    client = OpenAI(base_url=f"{backend.base_url}/v1", api_key=backend.api_key)
    instructions = system()
    rows: list[dict[str, Any]] = []
    started = time.monotonic()
    golds = load_gold(args.gold)
    if args.limit:
        golds = golds[: args.limit]
    with args.out.open("w", encoding="utf-8") as out:
        for article in golds:
            text = article.text
            hit = gold_sentences(article, sentence_spans(text))
            title = article.title or text.split("\n", 1)[0]
            for c in screen(text, gazetteer).candidates:
                t0 = time.monotonic()
                resp = client.chat.completions.create(
                    model="x",
                    messages=[
                        {"role": "system", "content": instructions},
                        {"role": "user", "content": user(title, c.previous, c.text)},
                    ],
                    max_tokens=1,
                    temperature=0.0,
                    logprobs=True,
                    top_logprobs=10,
                )
                choice = resp.choices[0]
                p_yes = p_no = 0.0
                if choice.logprobs and choice.logprobs.content:
                    for top in choice.logprobs.content[0].top_logprobs:
                        word = top.token.strip().lower()
                        if word == "yes":
                            p_yes += math.exp(top.logprob)
                        elif word == "no":
                            p_no += math.exp(top.logprob)
                row = {
                    "id": article.id,
                    "start": c.start,
                    "gold": (c.start, c.end) in hit,
                    "answer": choice.message.content,
                    "p_yes": p_yes / (p_yes + p_no) if p_yes + p_no else 0.5,
                    "seconds": round(time.monotonic() - t0, 3),
                    "prompt_tokens": resp.usage.prompt_tokens if resp.usage else 0,
                }
                rows.append(row)
                out.write(json.dumps(row) + "\n")
                out.flush()
    backend.close()
    gold = [r for r in rows if r["gold"]]
    print(f"candidates {len(rows)}, gold sentences among them {len(gold)}, "
          f"{time.monotonic() - started:.0f} s")
    for threshold in (0.02, 0.05, 0.1, 0.2, 0.3, 0.5):
        kept = sum(r["p_yes"] >= threshold for r in gold)
        sent = sum(r["p_yes"] >= threshold for r in rows)
        print(f"p_yes >= {threshold:.2f}: keeps {kept / len(gold):.3f} of gold, "
              f"sends {sent / len(rows):.3f} of candidates")


if __name__ == "__main__":
    main()
