"""Assemble the per-article gold files into one JSONL gold set.

    python eval/build_gold.py            # eval/gold/parts/*.json -> eval/gold/dev.jsonl

Each part (one GoldArticle, including the reference's worked example example) is validated, its
parties are harmonized (annotators disagreed on whether a ministry or embassy is its
own party: it is not, it acts for its state, see extractor.evaluate.party_keys), and
the articles are written sorted by id, so the file is reproducible byte for byte.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from extractor.evaluate.party_keys import PartyKeys
from extractor.schemas.records import Commitment, GoldArticle, Party

HERE = Path(__file__).resolve().parent


def harmonize_parties(
    commitment: Commitment, keys: PartyKeys
) -> tuple[Commitment, list[str]]:
    """The commitment with government bodies replaced by their state, and what changed."""
    changes: list[str] = []
    parties: list[Party] = []
    seen: set[str] = set()
    for party in commitment.parties:
        new = keys.harmonize(party)
        if new is not party:
            changes.append(f"'{party.name}' -> {new.name} ({new.code})")
        if new.key not in seen:
            seen.add(new.key)
            parties.append(new)
    return commitment.model_copy(update={"parties": parties}), changes


def harmonize_article(article: GoldArticle, keys: PartyKeys) -> GoldArticle:
    commitments: list[Commitment] = []
    changes: list[str] = []
    for commitment in article.commitments:
        new, changed = harmonize_parties(commitment, keys)
        commitments.append(new)
        changes.extend(c for c in changed if c not in changes)
    if not changes:
        return article
    note = (
        "Parties harmonized by eval/build_gold.py (a government body acts for its "
        "state): " + "; ".join(changes) + "."
    )
    notes = f"{article.notes} {note}".strip()
    return article.model_copy(update={"commitments": commitments, "notes": notes})


def load_part(path: Path) -> GoldArticle:
    try:
        return GoldArticle.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise SystemExit(f"{path}: not a valid GoldArticle:\n{exc}") from exc


def build(parts: Path, out: Path) -> list[GoldArticle]:
    keys = PartyKeys()
    articles = [harmonize_article(load_part(p), keys) for p in sorted(parts.glob("*.json"))]
    ids = [a.id for a in articles]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SystemExit(f"duplicate gold ids: {', '.join(duplicates)}")
    articles.sort(key=lambda a: a.id)
    with out.open("w", encoding="utf-8") as stream:
        for article in articles:
            stream.write(json.dumps(article.model_dump(mode="json"), ensure_ascii=False) + "\n")
    return articles


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--parts", type=Path, default=HERE / "gold" / "parts")
    parser.add_argument("--out", type=Path, default=HERE / "gold" / "dev.jsonl")
    args = parser.parse_args(argv)
    articles = build(args.parts, args.out)
    total = sum(len(a.commitments) for a in articles)
    print(f"{args.out}: {len(articles)} articles, {total} commitments", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
