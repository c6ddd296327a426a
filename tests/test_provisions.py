"""A clause of a document the article says was signed is signed (eval/GUIDELINES.md)."""

from __future__ import annotations

import pytest

from extractor.articles import Article
from extractor.assemble import Found, to_records
from extractor.config import ExtractConfig
from extractor.gazetteer import Gazetteer
from extractor.provisions import provided_status, provision_sentences, signs_document
from extractor.schemas.answer import ModelCommitment

SIGNING = "Norland and Kestria signed a Memorandum of Understanding on digital services."


def test_signs_document_needs_a_signing_and_a_document() -> None:
    assert signs_document(SIGNING)
    assert not signs_document("The ministers signed the guest book.")
    assert not signs_document("The sides intend to sign a memorandum next month.")
    assert not signs_document("The memorandum provides for joint research.")


def test_clauses_after_a_signing_that_refer_back_are_provisions() -> None:
    sentences = [
        "The ministers met in the capital.",
        SIGNING,
        "The memorandum provides for cooperation on e-government.",
        "In particular, Norland will train Kestrian civil servants.",
        "Norland will also open a consulate.",
        "According to the Memorandum, Kestria will host a data centre.",
    ]
    assert provision_sentences(sentences) == {2, 3, 5}


def test_no_signing_no_provisions() -> None:
    sentences = [
        "The sides intend to sign an agreement next month.",
        "Under the agreement, Norland will build a port in Kestria.",
        "In particular, Kestria will lease the land.",
    ]
    assert provision_sentences(sentences) == set()


def test_a_reference_before_the_signing_is_no_provision() -> None:
    sentences = [
        "Under the agreement, Norland will build a port.",
        "The agreement was signed on Friday.",
    ]
    assert provision_sentences(sentences) == set()


def test_an_elaboration_needs_a_provision_right_before_it() -> None:
    sentences = [SIGNING, "Kestria will host the talks.", "In particular, it will pay for them."]
    assert provision_sentences(sentences) == set()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("discussed", "signed"),
        ("intended", "signed"),
        ("agreed", "signed"),
        ("signed", "signed"),
        ("implemented", "implemented"),
    ],
)
def test_provided_status_raises_to_signed_only(status: str, expected: str) -> None:
    assert provided_status(status) == expected


ARTICLE = (
    "Kazakhstan and Uzbekistan signed a Memorandum of Understanding on digital services. "
    "According to the Memorandum, Kazakhstan will train Uzbek civil servants in e-government. "
    "Kazakhstan will also open a trade house in Tashkent."
)


def _items(text: str) -> list[Found]:
    def item(quote: str, action: str, sector: str) -> Found:
        return Found(ModelCommitment(
            quote=quote,
            parties=["Kazakhstan", "Uzbekistan"],
            sector=sector,  # type: ignore[arg-type]
            action=action,
            status="intended",  # type: ignore[arg-type]
        ), 0)

    return [
        item(
            "Kazakhstan will train Uzbek civil servants in e-government",
            "train civil servants in e-government",
            "education",
        ),
        item(
            "Kazakhstan will also open a trade house in Tashkent",
            "open a trade house in Tashkent",
            "trade",
        ),
    ]


@pytest.mark.parametrize(("enabled", "expected"), [(True, "signed"), (False, "intended")])
def test_records_of_a_provision_are_signed(
    gazetteer: Gazetteer, enabled: bool, expected: str
) -> None:
    config = ExtractConfig(strategy="sentences", signed_provisions=enabled)
    records, _ = to_records(Article("a", ARTICLE), _items(ARTICLE), gazetteer, config)
    status = {r.sector: r.status for r in records}
    # The clause that refers back to the signed memorandum is signed; the next
    # sentence, which does not, keeps the model's "intended".
    assert status == {"education": expected, "trade": "intended"}
