"""Assemble the ledger gold from its parts.

    python eval/build_ledger_gold.py
      eval/gold/ledger/parts/*.json -> eval/gold/ledger/ledger.jsonl  (with ledger ids)
                                    -> eval/gold/ledger.jsonl         (plain GoldArticle)

A part is either a full ``LedgerGoldArticle`` (the 12 new ledger articles) or, for the
three ledger articles that are dev articles with the same text, ``{"id", "dev_id",
"source", "notes", "ledger": [{"ledger_id", "part_of"}, ...]}``: the dev gold's
commitments are taken unchanged from eval/gold/dev.jsonl and get the ids in order, so
the dev annotation is never copied by hand. Parties are harmonized as in build_gold.py;
every quote must be verbatim in the text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from build_gold import harmonize_article

from extractor.evaluate.party_keys import PartyKeys
from extractor.ledger.gold import LedgerCommitment, LedgerGoldArticle
from extractor.schemas.records import GoldArticle

HERE = Path(__file__).resolve().parent


def _from_dev(part: dict[str, Any], dev: dict[str, GoldArticle]) -> LedgerGoldArticle:
    source = dev.get(part["dev_id"])
    if source is None:
        raise SystemExit(f"{part['id']}: dev article {part['dev_id']} not in dev.jsonl")
    ids = part["ledger"]
    if len(ids) != len(source.commitments):
        raise SystemExit(f"{part['id']}: {len(ids)} ledger ids for "
                         f"{len(source.commitments)} dev commitments of {part['dev_id']}")
    commitments = [
        LedgerCommitment(**c.model_dump(), **link)
        for c, link in zip(source.commitments, ids, strict=True)
    ]
    notes = f"{part.get('notes', '')} Dev notes: {source.notes}".strip()
    return LedgerGoldArticle(id=part["id"], title=source.title, text=source.text,
                             source=part["source"], notes=notes, commitments=commitments)


def _check(article: LedgerGoldArticle) -> None:
    ids = [c.ledger_id for c in article.commitments]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:  # GUIDELINES 8: records of one article are never one entry
        raise SystemExit(f"{article.id}: ledger ids used twice in one article: {twice}")
    for commitment in article.commitments:
        for evidence in commitment.evidence:
            if evidence.quote not in article.text:
                raise SystemExit(f"{article.id}: quote not verbatim: {evidence.quote!r}")


def _harmonized(article: LedgerGoldArticle, keys: PartyKeys) -> LedgerGoldArticle:
    plain = GoldArticle.model_validate(article.model_dump(exclude={"commitments"}) | {
        "commitments": [c.model_dump(exclude={"ledger_id", "part_of"})
                        for c in article.commitments]})
    done = harmonize_article(plain, keys)
    commitments = [
        LedgerCommitment(**c.model_dump(), ledger_id=o.ledger_id, part_of=o.part_of)
        for c, o in zip(done.commitments, article.commitments, strict=True)
    ]
    return article.model_copy(update={"commitments": commitments, "notes": done.notes})


def build(parts: Path, dev_path: Path) -> list[LedgerGoldArticle]:
    dev = {}
    for line in dev_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = GoldArticle.model_validate_json(line)
            dev[article.id] = article
    keys = PartyKeys()
    articles: list[LedgerGoldArticle] = []
    for path in sorted(parts.glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        article = (_from_dev(part, dev) if "dev_id" in part
                   else LedgerGoldArticle.model_validate(part))
        article = _harmonized(article, keys)
        _check(article)
        articles.append(article)
    return sorted(articles, key=lambda a: a.id)


def write(articles: list[LedgerGoldArticle], ledger_out: Path, plain_out: Path) -> None:
    with ledger_out.open("w", encoding="utf-8") as stream:
        for article in articles:
            stream.write(json.dumps(article.model_dump(mode="json"), ensure_ascii=False) + "\n")
    with plain_out.open("w", encoding="utf-8") as stream:
        for article in articles:
            data = article.model_dump(mode="json")
            for commitment in data["commitments"]:
                del commitment["ledger_id"], commitment["part_of"]
            stream.write(json.dumps(data, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--parts", type=Path, default=HERE / "gold" / "ledger" / "parts")
    parser.add_argument("--dev", type=Path, default=HERE / "gold" / "dev.jsonl")
    parser.add_argument("--out", type=Path, default=HERE / "gold" / "ledger" / "ledger.jsonl")
    parser.add_argument("--plain", type=Path, default=HERE / "gold" / "ledger.jsonl")
    args = parser.parse_args(argv)
    articles = build(args.parts, args.dev)
    write(articles, args.out, args.plain)
    total = sum(len(a.commitments) for a in articles)
    entries = len({c.ledger_id for a in articles for c in a.commitments})
    print(f"{args.out}: {len(articles)} articles, {total} commitments, {entries} ledger "
          f"entries; {args.plain}: the same without ledger ids", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
