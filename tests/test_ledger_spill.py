"""The ledger's records live on disk: linking reads them back and gets the same answer."""

from __future__ import annotations

from pathlib import Path

import pytest

import extractor.ledger.link as link
from extractor.ledger.build import Ledger
from extractor.ledger.gold import load_ledger_gold
from extractor.ledger.measure import content_words
from extractor.ledger.records import records_of_gold

LEDGER_GOLD = Path(__file__).resolve().parent.parent / "eval" / "gold" / "ledger" / "ledger.jsonl"


def _linked(cached: int, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], list[str]]:
    monkeypatch.setattr(link, "CACHED_ENTRIES", cached)
    with Ledger(content_words()) as ledger:
        ledger.add_records(records_of_gold(load_ledger_gold(LEDGER_GOLD)))
        assert len(ledger.linker._cache) <= cached  # memory holds a bounded few entries
        entries = [e.model_dump_json() for e in ledger.entries()]
        return dict(ledger.linker.of_record), entries


def test_entries_read_back_from_the_store_link_as_entries_kept_in_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    kept, kept_entries = _linked(100_000, monkeypatch)
    reread, reread_entries = _linked(1, monkeypatch)  # every comparison reads the store
    assert len(kept) == 172 and len(set(kept.values())) > 100
    assert reread == kept and reread_entries == kept_entries


def test_removing_an_article_updates_its_entries_on_disk() -> None:
    gold = load_ledger_gold(LEDGER_GOLD)
    with Ledger(content_words()) as ledger:
        ledger.add_records(records_of_gold(gold))
        linker = ledger.linker
        article = next(a for a in gold if len(a.commitments) >= 2)
        keys = [f"{article.id}#{n}" for n in range(len(article.commitments))]
        touched = {linker.of_record[k] for k in keys}
        before = len(linker)
        linked = dict(linker.of_record)
        assert linker.fingerprints(article.id) is not None
        assert linker.remove_article(article.id) == touched
        assert linker.fingerprints(article.id) is None
        assert all(k not in linker.of_record for k in keys)
        for entry in ledger.entries():
            assert article.id not in entry.articles
        alone = sum(1 for cid in touched if cid not in {c.id for c in linker})
        assert len(linker) == before - alone
        # Linked again, the article's records find their entries as before.
        ledger.add_records(records_of_gold([article]))
        assert dict(linker.of_record) == linked and len(linker) == before
