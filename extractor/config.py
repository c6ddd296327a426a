"""The extraction's settings, one frozen object passed to every step that needs one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from extractor.retry import RetryPolicy

# How the model is asked: "sentences" labels each candidate sentence the screen keeps
# (extractor/screen.py) in its own short request; "passages" asks for every commitment
# of a passage of up to ``chunk_chars`` at once.
STRATEGIES: Final = ("sentences", "passages")


@dataclass(frozen=True)
class ExtractConfig:
    # Sentences is the default: on full-dev recordings it scores F1 0.643 (prompt v12
    # with the second look) against passages' 0.481 (eval/README.md, "The sentence
    # strategy").
    strategy: str = "sentences"
    # Requests of one article in flight at once (sentences strategy): a server with
    # several slots decodes them together.
    unit_workers: int = 1
    max_attempts: int = 3
    max_tokens: int = 2048
    chunk_chars: int = 3000
    # Articles up to this length go to the model in one pass; longer ones in passages of
    # ``chunk_chars``. (Passages of 1,500 chars for articles over 2,500 were tried and
    # scored lower on the dev articles measured: eval/README.md.)
    single_pass_chars: int = 3000
    keep_ungrounded: bool = False
    calibrate_status: bool = True
    raise_discussed: bool = True
    # A sentence that refers back to a document the article says was signed ("under the
    # memorandum, ... will") states what it provides for: signed (extractor/provisions.py).
    signed_provisions: bool = True
    refine_sectors: bool = True
    split_sector_lists: bool = True
    drop_other: bool = True
    complete_counterparts: bool = True
    # A record left with one side after counterparts (one party, or parties all of one
    # state) is a domestic act, not cooperation (docs/REFERENCE.md section 1): dropped.
    drop_one_sided: bool = True
    # A name code cannot place as a state, region, organization or company ("farm
    # groups", "Pomerania") is no party, and no side (extractor/counterparts.py).
    drop_unplaced_parties: bool = True
    # One action of one sentence filed under several sectors is one commitment: only the
    # sectors its words (or its sentence's) name are kept (docs/REFERENCE.md section 1).
    collapse_spread: bool = True
    # Sentences strategy: an item whose specific words are all absent from the labelled
    # sentence is dropped (the model labelled the context sentence instead).
    drop_unsupported: bool = True
    # Requests per passage: 1, or more to ask in the same conversation what the answer
    # left out (recall for time; measured in eval/README.md).
    passes: int = 1
    # Add a commitment for each further sector a quoted sentence names: "auto" does it for
    # passages only. On the sentences default it cost F1 on both annotated sets (dev
    # 0.595 -> 0.574, ledger 0.495 -> 0.497 level; four added records in five matched no
    # gold) for recall (0.576 -> 0.643): eval/README.md, "Sentence sectors off".
    sentence_sectors: Literal["auto", "on", "off"] = "auto"
    # Items of one sector quoting the same sentence are one commitment (sentences).
    merge_same_sentence: bool = True
    # Sentences strategy: an empty answer whose first item had at least this share of
    # the model's weight against the empty list is asked again with one item required,
    # and the items of that second look are kept only where their area is named
    # (extractor/second_look.py), so only sentences that name an area are asked again.
    # 0 turns it off. On the full-dev recording 0.4 gave F1 0.595 -> 0.605, recall 0.576
    # -> 0.601, for 21 more requests over 44 articles (eval/README.md, "The second look").
    second_look: float = 0.4
    # Sentences strategy: the article's opening shown with every request, in characters
    # (the first sentence after the title always). Measured in eval/README.md,
    # "Collective names and regional organizations".
    opening_chars: int = 400
    drop_non_commitments: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def expands_sentence_sectors(self) -> bool:
        if self.sentence_sectors == "auto":
            return self.strategy == "passages"
        return self.sentence_sectors == "on"
