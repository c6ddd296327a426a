"""Does the model's weight on writing one more item point at the commitments it missed?

A second look for *more* items would ask a sentence again with one more item required
where the model, closing its last item, gave a fair share of its weight to going on
(``"},`` against ``"}``). This reads that share from the default's recording made with
160 tokens of alternatives (eval/runs/second-look-040.replay.jsonl), for every first
answer with items, and compares sentences that hold a gold commitment the default
misses with the others (eval/README.md, "One more item").

    python eval/measure_continue_share.py
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold" / "dev.jsonl"
RECORDING = ROOT / "eval" / "runs" / "second-look-040.replay.jsonl"
Span = tuple[int, int]


def default_misses() -> dict[str, list[Span]]:
    report = json.loads(subprocess.run(
        [sys.executable, "-m", "extractor.cli", "eval", "--gold", str(GOLD), "--backend",
         "replay", "--strategy", "sentences", "--replay", str(RECORDING), "--prompts",
         str(ROOT / "eval" / "prompts" / "sentences-v12"), "--json", "--quiet",
         "--resamples", "10"], capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    return {a["id"]: [tuple(m["span"]) for m in a["missed"]] for a in report["per_article"]}


def continue_share(tokens: list[dict[str, object]]) -> float | None:
    """The share of ``"},`` at the token that closes the answer's last item."""
    for token in tokens:
        text = str(token["token"])
        if not text.startswith('"}'):
            continue
        if text.startswith('"},'):
            continue  # the model went on: not its last item
        weights = {str(a): math.exp(float(b)) for a, b in token["top"]}  # type: ignore[attr-defined]
        more = sum(v for a, v in weights.items() if a.startswith('"},'))
        close = sum(v for a, v in weights.items() if a.startswith('"}') and not a.startswith('"},'))
        return more / (more + close) if more + close else None
    return None


def main() -> None:
    texts = {a["id"]: a["text"] for a in map(json.loads, GOLD.open(encoding="utf-8"))}
    missed = default_misses()
    rows: list[tuple[float, bool]] = []
    for line in RECORDING.open(encoding="utf-8"):
        call = json.loads(line)
        schema = call["request"].get("response_format", {}).get("json_schema", {})
        if schema.get("schema", {}).get("properties", {}).get("commitments", {}).get("minItems"):
            continue  # a second look, not a first answer
        sentence = call["request"]["messages"][-1]["content"].split(
            "Label this sentence: ", 1)[-1].strip()
        found = [(k, t.find(sentence)) for k, t in texts.items() if sentence in t]
        if not found:
            continue
        article, start = found[0]
        span = (start, start + len(sentence))
        try:
            items = json.loads(call["response"]["text"])["commitments"]
        except (ValueError, KeyError):
            continue
        share = continue_share(call["response"].get("extra", {}).get("top_logprobs") or [])
        if not items or share is None:
            continue
        rows.append((share, any(a < span[1] and span[0] < b for a, b in missed[article])))
    print(f"{len(rows)} answers with items; {sum(m for _, m in rows)} on a sentence with a "
          "gold commitment the default misses")
    for cut in (0.05, 0.1, 0.2, 0.3, 0.4):
        asked = [m for s, m in rows if s >= cut]
        print(f"share >= {cut}: {len(asked)} asked again, {sum(asked)} with a missed commitment")
    print("median share:", round(statistics.median(s for s, m in rows if m), 3), "with a miss,",
          round(statistics.median(s for s, m in rows if not m), 3), "without")


if __name__ == "__main__":
    main()
