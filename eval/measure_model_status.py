"""Status asked alone, per gold pair: each gold commitment's sentence (with the title and
the sentence before it) and its gold action in, the model's status out, against the gold
status. It separates status from matching and from labelling: if the model is no better
here than the run's own status on the same sentences (``eval/measure_status.py``), a
separate status request is not worth its time.

    python eval/measure_model_status.py [--gold eval/gold/dev.jsonl] [--out FILE] [--limit N]

Prints the model's accuracy, the code's cue rule's and the run's calibrated answer
(``status_cues.calibrate_status`` of the model's status, as the pipeline does), and their
confusions.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from openai import OpenAI

from extractor.backends.embedded import EmbeddedBackend
from extractor.schemas.taxonomy import STATUSES
from extractor.sentences import enclosing_sentence, sentence_spans
from extractor.settings import default_home
from extractor.status_cues import calibrate_status, cue_status

SYSTEM = """You read one sentence of a news article about international cooperation and \
say how far one action in it has gone, on this scale from weakest to strongest:

discussed: talked about, explored, highlighted, proposed, called for, named a priority or \
promising area, "may consider".
intended: a stated intention, plan, interest, readiness or pledge: "will", "plans to", \
"intends", "committed to", "reaffirmed commitment", "ready to", "interested in".
agreed: the parties agreed or decided, with no signed document: "agreed", "decided", \
"resolved", "announced" a programme, support or allocation, "directed their ministries to".
signed: a document was signed, concluded or adopted, and what a signed document provides \
for (even when it says "will").
implemented: under way or done: "has delivered", "is providing", "launched", "opened", \
"completed", "began", negotiations that have begun, cooperation described as ongoing.

Give the strongest step the sentence states for this action, not for other actions in it.

Examples (invented names):
Sentence: Norland and Kestria agreed to build a grain terminal and discussed tourism.
Action: build a grain terminal -> agreed
Action: cooperate in tourism -> discussed
Sentence: Norland is delivering 20 ambulances to Kestria.
Action: deliver 20 ambulances -> implemented
Sentence: Under the memorandum signed today, the two ministries will exchange students.
Action: exchange students -> signed
Sentence: The ministers committed to address the root causes of irregular migration.
Action: address the root causes of irregular migration -> intended
Sentence: The presidents highlighted the potential of cooperation in pharmaceuticals.
Action: cooperate in pharmaceuticals -> discussed

Answer with the status only."""

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"status": {"type": "string", "enum": list(STATUSES)}},
    "required": ["status"],
    "additionalProperties": False,
}


def user(title: str, previous: str, sentence: str, action: str) -> str:
    return (f"Article title: {title}\nContext only: {previous}\n\n"
            f"Sentence: {sentence}\nAction: {action}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/model_status.jsonl"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args()
    backend = EmbeddedBackend(cache_dir=default_home())
    client = OpenAI(base_url=f"{backend.base_url}/v1", api_key=backend.api_key)
    lines = args.gold.read_text(encoding="utf-8").splitlines()
    if args.limit:
        lines = lines[: args.limit]
    right: Counter[str] = Counter()
    confusion: dict[str, Counter[tuple[str, str]]] = {"model": Counter(), "cue": Counter()}
    total = 0
    started = time.monotonic()
    with args.out.open("w", encoding="utf-8") as out:
        for line in lines:
            article = json.loads(line)
            text = article["text"]
            spans = sentence_spans(text)
            title = article.get("title") or text.split("\n", 1)[0]
            for commitment in article["commitments"]:
                quote = commitment["evidence"][0]["quote"]
                found = text.find(quote)
                a, b = enclosing_sentence(spans, found, found + len(quote))
                index = next((i for i, s in enumerate(spans) if s[0] == a), 0)
                previous = text[spans[index - 1][0]:spans[index - 1][1]] if index else ""
                sentence = text[a:b]
                resp = client.chat.completions.create(
                    model="x",
                    messages=[
                        {"role": "system", "content": SYSTEM},
                        {"role": "user", "content": user(title, previous, sentence,
                                                         commitment["action"])},
                    ],
                    max_tokens=16,
                    temperature=0.0,
                    response_format={"type": "json_schema", "json_schema": {
                        "name": "status", "schema": SCHEMA, "strict": True}},
                )
                content = resp.choices[0].message.content or "{}"
                model = str(json.loads(content).get("status", "discussed"))
                cue = cue_status(sentence)
                answers = {"model": model, "cue": cue,
                           "model+calibrate": calibrate_status(model, sentence,
                                                               raise_discussed=True)}
                gold = commitment["status"]
                total += 1
                for name, value in answers.items():
                    right[name] += value == gold
                for name in confusion:
                    confusion[name][(gold, answers[name])] += 1
                out.write(json.dumps({"id": article["id"], "gold": gold, **answers,
                                      "action": commitment["action"],
                                      "sentence": sentence}) + "\n")
                out.flush()
    backend.close()
    print(f"{total} gold pairs, {time.monotonic() - started:.0f} s")
    for name, n in right.items():
        print(f"{name:16s} {n / total:.3f} ({n} of {total})")
    for name, counts in confusion.items():
        wrong = [(k, n) for k, n in counts.most_common() if k[0] != k[1]][:8]
        print(f"gold -> {name}: " + ", ".join(f"{g}->{p} {n}" for (g, p), n in wrong))


if __name__ == "__main__":
    main()
