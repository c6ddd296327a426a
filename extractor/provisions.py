"""What a signed document provides for is signed (eval/GUIDELINES.md section 3: "the
content a signed memorandum provides for, even when each clause says 'will'").

A sentence taken alone cannot tell: "According to the Memorandum, the company will also
work with the ministry ..." reads as an intention. Code can: the article states earlier
that a document was signed, and the sentence refers back to that document by name
("under the agreement", "the memorandum provides for", "pursuant to this Memorandum"),
or elaborates such a sentence ("In particular, ...").
"""

from __future__ import annotations

import re
from typing import Final

from extractor.schemas.taxonomy import status_rank
from extractor.status_cues import stated_status

_DOCUMENT: Final = (
    r"(memorand(um|a)|mou|agreements?|accords?|treaty|treaties|road ?map|protocol|"
    r"declaration|joint statement|contract|charter|document)"
)
# A document named as signed: "signed a Memorandum", "the Agreement was signed".
_SIGNED_DOCUMENT: Final = re.compile(rf"\b{_DOCUMENT}\b", re.I)
# A clause that refers back to the document it belongs to.
_REFERS_BACK: Final = re.compile(
    rf"\b(according to|under|pursuant to|in accordance with|within the framework of|"
    rf"as part of|in line with)\s+(the|this|that|these|such)\s+(\w+\s+)?{_DOCUMENT}\b|"
    rf"\b(the|this|that|these)\s+(\w+\s+)?{_DOCUMENT}\s+(also\s+)?"
    r"(provides?|envisages?|stipulates?|foresees?|sets out|calls for|commits)\b",
    re.I,
)
# An elaboration of the sentence before it.
_ELABORATES: Final = re.compile(r"^\W*(in particular|specifically|among other things)\b", re.I)


def signs_document(sentence: str) -> bool:
    """The sentence states that a document was signed or concluded."""
    # The document's name first: most sentences name none, and the cue lists cost more.
    return bool(_SIGNED_DOCUMENT.search(sentence)) and stated_status(sentence) == "signed"


def provision_sentences(sentences: list[str]) -> set[int]:
    """Indexes of the sentences that state what a signed document provides for: after
    a sentence that states a signing, those that refer back to a document, and those
    that elaborate such a sentence ("In particular, ...")."""
    found: set[int] = set()
    signed = False
    for n, sentence in enumerate(sentences):
        signs = not signed and signs_document(sentence)
        refers = (signed or signs) and _REFERS_BACK.search(sentence)
        if refers or (n - 1 in found and _ELABORATES.search(sentence)):
            found.add(n)
        signed = signed or signs
    return found


def provided_status(status: str) -> str:
    """A provision of a signed document is signed; work already under way stays so."""
    return "signed" if status_rank(status) < status_rank("signed") else status
