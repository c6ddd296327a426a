"""Sector asked alone, per record: each record a run wrote on a sentence that holds a gold
commitment, its sentence and action in, the model's sector out (a schema that allows only
the taxonomy's keys), against the sectors of the gold commitments on that sentence.

If the model filed records better when asked only this, a sector request per item would
earn its time. It is measured against the run's own sectors on the same records.

    python eval/measure_sector_question.py --pred eval/runs/default.pred.jsonl \
        [--gold eval/gold/dev.jsonl] [--out FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from extractor.backends.base import CompletionRequest
from extractor.backends.embedded import EmbeddedBackend
from extractor.evaluate.loading import load_gold
from extractor.evaluate.matching import spans_of
from extractor.schemas.records import GoldArticle
from extractor.schemas.taxonomy import SECTORS
from extractor.settings import default_home

SYSTEM = (
    "You file one cooperation commitment from a news article under the one sector its "
    "action is about, not every topic its sentence mentions.\nSectors:\n"
    + "\n".join(f"  {key}: {covers}" for key, covers in SECTORS.items())
    + "\nRules: donated goods, relief and humanitarian packages are aid, even medical "
    "supplies; market access, tariffs and standards are trade whatever the product; "
    "migration, labour rights, diplomacy and work in the UN are governance; a railway, "
    "bridge or highway is transport; infrastructure with no detail is construction; "
    "workforce training is education; investment and its financing are finance, unless "
    "for a named sector's project; energy security is energy, food security is "
    "agriculture, cybersecurity is digital.\n"
    'Answer {"sector": "<one sector>"}.'
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"sector": {"type": "string", "enum": list(SECTORS)}},
    "required": ["sector"],
}


def gold_spans(article: GoldArticle) -> list[tuple[int, int, str]]:
    """(start, end, sector) of each gold quote, located as the scorer locates it."""
    return [(start, end, commitment.sector)
            for commitment in article.commitments
            for start, end in spans_of(commitment, article.text)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"))
    parser.add_argument("--pred", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="one JSON line per record asked")
    parser.add_argument("--limit", type=int, default=0, help="stop after N records")
    args = parser.parse_args()
    gold = {article.id: article for article in load_gold(args.gold)}
    backend = EmbeddedBackend(cache_dir=default_home() / "models")
    rows: list[dict[str, Any]] = []
    out = args.out.open("w", encoding="utf-8") if args.out else None
    for line in map(json.loads, args.pred.open(encoding="utf-8")):
        article = gold.get(line["id"])
        if article is None:
            continue
        spans = gold_spans(article)
        for record in line.get("commitments") or []:
            evidence = record["evidence"][0]
            start, end = evidence.get("start"), evidence.get("end")
            if start is None or end is None:
                continue
            sectors = sorted({s for a, b, s in spans if a < end and start < b})
            if not sectors:
                continue  # no gold commitment on the sentence: its sector cannot be right
            user = f"Sentence: {evidence['quote']}\nCommitment: {record['action']}"
            request = CompletionRequest(
                messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
                json_schema=SCHEMA,
                max_tokens=20,
            )
            started = time.monotonic()
            asked = json.loads(backend.complete(request).text)["sector"]
            row = {"id": line["id"], "run": record["sector"], "asked": asked, "gold": sectors,
                   "action": record["action"], "seconds": round(time.monotonic() - started, 2)}
            rows.append(row)
            if out:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                out.flush()
            if args.limit and len(rows) >= args.limit:
                break
        if args.limit and len(rows) >= args.limit:
            break
    run_right = sum(r["run"] in r["gold"] for r in rows)
    asked_right = sum(r["asked"] in r["gold"] for r in rows)
    print(f"records on gold sentences: {len(rows)}")
    print(f"the run's sector among the sentence's gold sectors: {run_right}")
    print(f"the asked sector among them:                        {asked_right}")
    fixed = sum(r["asked"] in r["gold"] and r["run"] not in r["gold"] for r in rows)
    broken = sum(r["run"] in r["gold"] and r["asked"] not in r["gold"] for r in rows)
    print(f"fixed by asking: {fixed}, broken: {broken}")
    print("asked sectors:", Counter(r["asked"] for r in rows).most_common(8))
    if rows:
        print(f"seconds a question: {sum(r['seconds'] for r in rows) / len(rows):.1f}")


if __name__ == "__main__":
    main()
